"""Parse one data file into a Polars frame, setting unparsable records aside instead of failing.

A damaged file raises `DamagedFile` with one line saying what is wrong: empty, truncated (JSON,
the last JSONL line, gzip, Parquet), not a file of records at all (no record of it is readable).
A bad record inside a good file (an invalid JSON line, a ragged CSV record, invalid UTF-8 or a
lone surrogate in one line / row / book paragraph, a field whose type disagrees with the rest)
becomes a reject (row key, reason, raw text) and the rest of the file is kept.

JSONL: Arrow's reader parses a file at once when every line is a record (the fast path); otherwise
lines are checked one at a time, streamed from the file, and only the good ones are copied into a
buffer that Arrow parses, so memory stays close to the fast path's.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from array import array
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.json as pa_json

REJECT_RAW_CHARS = 2000
_BLOCK = 1 << 26  # Arrow JSON block: schema inference sees this much at once
_BOM = b"\xef\xbb\xbf"
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # the only way a lone surrogate gets into parsed JSON
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class DamagedFile(ValueError):
    """The file as a whole cannot be used (empty, truncated, not records at all)."""


def reader_for(path: Path, override: str | None = None) -> str:
    if override:
        return override
    name = path.name.lower().removesuffix(".gz")
    for ext, kind in ((".parquet", "parquet"), (".jsonl", "jsonl"), (".json", "json"), (".csv", "csv"), (".tsv", "tsv"), (".txt", "text")):
        if name.endswith(ext):
            return kind
    raise ValueError(f"no reader for file type of {path.name}")


# --- bytes and text ------------------------------------------------------------------------


def _gzip_error(exc: Exception) -> DamagedFile:
    if isinstance(exc, EOFError):
        return DamagedFile("truncated gzip (the stream ends before its end marker)")
    return DamagedFile(f"corrupt gzip ({exc})")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped for `.gz`; an empty (or whitespace-only) file is damaged."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise _gzip_error(exc) from exc
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if not data.strip():
        raise DamagedFile("empty file")
    return data


def _iter_lines(path: Path) -> Iterator[bytes]:
    """The file's lines (with their line ends), streamed; gzip errors as DamagedFile."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            first = True
            for line in handle:
                if first:
                    line, first = line.removeprefix(_BOM), False
                yield line
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise _gzip_error(exc) from exc


def _invalid_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    return f"malformed: invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return _LONE_SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _printable(text: str) -> str:
    """Raw text for a reject: truncated, lone surrogates (from invalid UTF-8) replaced."""
    return _LONE_SURROGATE.sub("\ufffd", text[:REJECT_RAW_CHARS])


# --- records to frames ---------------------------------------------------------------------


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _split_type_conflicts(records: list[dict], keys: list[str]) -> tuple[list[dict], list[str], list[tuple[str, str, str]]]:
    """Records whose field types disagree with the majority (e.g. a string where every other
    record has a list) become rejects, so one odd record cannot fail a whole file."""
    votes: dict[str, dict[str, int]] = {}
    for rec in records:
        for field_name, value in rec.items():
            if value is not None:
                kinds = votes.setdefault(field_name, {})
                kinds[_kind(value)] = kinds.get(_kind(value), 0) + 1
    majority = {f: max(k, key=k.get) for f, k in votes.items()}
    kept, kept_keys, bad = [], [], []
    for rec, key in zip(records, keys):
        odd = next((f for f, v in rec.items() if v is not None and _kind(v) != majority[f]), None)
        if odd is None:
            kept.append(rec)
            kept_keys.append(key)
        else:
            reason = f"malformed: field {odd!r} is {_kind(rec[odd])}, expected {majority[odd]}"
            bad.append((key, reason, _printable(json.dumps(rec, ensure_ascii=False, default=str))))
    return kept, kept_keys, bad


def _frame(records: list[dict], keys: list[str], bad: list[tuple[str, str, str]] | None = None) -> pl.DataFrame:
    """Records to a frame; on a type conflict the odd records are moved to `bad`."""
    if not records:
        return pl.DataFrame({"__row_key": []}, schema={"__row_key": pl.String})
    try:
        frame = pl.from_dicts(records, infer_schema_length=None, strict=False)
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError):
        if bad is None:
            raise
        records, keys, odd = _split_type_conflicts(records, keys)
        bad.extend(odd)
        frame = pl.from_dicts(records, infer_schema_length=None, strict=False) if records else pl.DataFrame()
    return frame.with_columns(pl.Series("__row_key", keys, dtype=pl.String))


def _with_keys(frame: pl.DataFrame, label: str, numbers: pl.Series) -> pl.DataFrame:
    """Add `__row_key` = "<label>:<number>" (vectorized)."""
    return frame.with_columns((pl.lit(f"{label}:") + numbers.cast(pl.String)).alias("__row_key"))


def _rejects(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"row_key": pl.String, "reason": pl.String, "raw": pl.String}, orient="row")


def _nothing_readable(bad: list[tuple[str, str, str]], what: str) -> DamagedFile:
    key, reason, _ = bad[0]
    return DamagedFile(f"no {what} is readable ({len(bad)} malformed; first: {key.rsplit(':', 1)[-1]}: {reason.removeprefix('malformed: ')})")


# --- JSON lines ----------------------------------------------------------------------------


def _read_jsonl_fast(data: bytes | str, label: str) -> pl.DataFrame | None:
    """Arrow's NDJSON reader when every line is a record; None when the file needs the
    line-by-line path (blank lines, a malformed line, invalid UTF-8, a type conflict)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    if not end or data.find(b"\n\n", 0, end) >= 0 or data.find(b"\n\r\n", 0, end) >= 0 or data.startswith((b"\n", b"\r")):
        return None
    body = memoryview(data)[:end]  # no copy of a file that may be gigabytes
    try:  # Arrow's reader is strict: a type conflict raises instead of turning a column into strings
        table = pa_json.read_json(pa.BufferReader(pa.py_buffer(body)), read_options=pa_json.ReadOptions(block_size=_BLOCK))
        table.validate(full=True)  # Arrow's JSON parser lets invalid UTF-8 through; this check does not
    except Exception:  # noqa: BLE001 - any parse problem: fall back to per-line parsing with rejects
        return None
    if table.num_rows != data.count(b"\n", 0, end) + 1:
        return None
    frame = pl.from_arrow(table)
    return _with_keys(frame, label, pl.int_range(1, frame.height + 1, eager=True))


class _LineScan:
    """One pass over JSONL lines: good lines are copied into `buffer` (their line numbers into
    `numbers`), bad ones go to `bad` with a reason."""

    def __init__(self, label: str):
        self.label = label
        self.buffer = io.BytesIO()
        self.numbers = array("q")
        self.bad: list[tuple[str, str, str]] = []
        self.truncated: str | None = None  # the last line did not parse and the file ends without a newline

    def scan(self, lines: Iterator[bytes]) -> None:
        last_problem, ends = None, True
        for lineno, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            last_problem, ends = self._line(lineno, line), line.endswith(b"\n")
        if last_problem and last_problem.startswith("malformed: invalid JSON") and not ends:
            self.truncated = f"truncated: the last line ({self.bad[-1][0].rsplit(':', 1)[-1]}) ends mid-record"

    def _line(self, lineno: int, line: bytes) -> str | None:
        key = f"{self.label}:{lineno}"
        try:
            text = line.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            return self._reject(key, _invalid_utf8(line, exc), line.decode("utf-8", "replace"))
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            return self._reject(key, f"malformed: invalid JSON ({exc.msg})", text)
        if not isinstance(obj, dict):
            return self._reject(key, "malformed: JSON line is not an object", text)
        if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(obj):
            return self._reject(key, "malformed: lone surrogate in a string (not valid Unicode)", text)
        self.numbers.append(lineno)
        self.buffer.write(line.rstrip(b"\r\n") + b"\n")
        return None

    def _reject(self, key: str, reason: str, text: str) -> str:
        self.bad.append((key, reason, _printable(text.rstrip("\r\n"))))
        return reason

    def frame(self) -> pl.DataFrame:
        """The good lines as one frame: Arrow over the buffer; when a field's type differs between
        records, Polars' lenient record reader (and, failing that, the odd records as rejects)."""
        view = self.buffer.getbuffer()
        try:
            table = pa_json.read_json(pa.BufferReader(pa.py_buffer(view)), read_options=pa_json.ReadOptions(block_size=_BLOCK))
        except Exception:  # noqa: BLE001 - a type conflict between records
            records = [json.loads(line) for line in bytes(view).splitlines()]
            del view
            frame = _frame(records, [f"{self.label}:{n}" for n in self.numbers], self.bad)
            self.bad.sort(key=lambda b: int(b[0].rsplit(":", 1)[1]))
            return frame
        del view
        return _with_keys(pl.from_arrow(table), self.label, pl.Series(self.numbers, dtype=pl.Int64))


def _jsonl_by_line(lines: Iterator[bytes], label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    scan = _LineScan(label)
    scan.scan(lines)
    if scan.truncated:
        raise DamagedFile(scan.truncated)
    if not scan.numbers:
        raise _nothing_readable(scan.bad, "line") if scan.bad else DamagedFile("empty file")
    frame = scan.frame()
    return frame, _rejects(scan.bad)


def read_jsonl(path: Path, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    fast = _read_jsonl_fast(_read_bytes(path), label)  # the bytes are freed before the fallback streams the file
    if fast is not None:
        return fast, _rejects([])
    return _jsonl_by_line(_iter_lines(path), label)


# --- JSON documents ------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, bool]:
    """Text of the bytes; invalid UTF-8 sequences become lone surrogates (flag True) so that the
    records holding them can be rejected one by one."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), True


def _looks_like_jsonl(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict) and first.strip() != text.strip()
    except json.JSONDecodeError:
        return False


def read_json(path: Path, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A JSON array of objects (or {"data": [...]}, or one object per line as a fallback)."""
    data = _read_bytes(path)
    text, bad_bytes = _decode(data)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if _looks_like_jsonl(text):
            del text, data
            return read_jsonl(path, label)
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        where = f"truncated JSON ({exc.msg})" if cut else f"invalid JSON ({exc.msg})"
        raise DamagedFile(f"{where} at line {exc.lineno}, column {exc.colno}") from None
    del text
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        obj = obj["data"]
    if isinstance(obj, dict):
        obj = [obj]
    if not isinstance(obj, list):
        raise DamagedFile(f"not records: the document is a JSON {_kind(obj)}")
    if not obj:
        raise DamagedFile("no records: an empty JSON array")
    maybe_surrogates = bad_bytes or _SURROGATE_ESCAPE.search(data) is not None
    records, keys, bad = [], [], []
    for i, item in enumerate(obj):
        key = f"{label}:{i}"
        if not isinstance(item, dict):
            bad.append((key, "malformed: array item is not an object", _printable(json.dumps(item))))
        elif maybe_surrogates and _has_lone_surrogate(item):
            why = "invalid UTF-8 or a lone surrogate" if bad_bytes else "a lone surrogate (not valid Unicode)"
            bad.append((key, f"malformed: {why} in a string", _printable(json.dumps(item, ensure_ascii=False))))
        else:
            records.append(item)
            keys.append(key)
    if not records:
        raise _nothing_readable(bad, "array item")
    frame = _frame(records, keys, bad)
    return frame, _rejects(bad)


# --- CSV / TSV -----------------------------------------------------------------------------


def read_delimited(path: Path, label: str, separator: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """CSV/TSV with a header; every column read as text (converters cast). Ragged records and
    records with invalid UTF-8 are rejects."""
    text, bad_bytes = _decode(_read_bytes(path))
    if not bad_bytes:
        try:
            frame = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False, quote_char='"')
        except pl.exceptions.ComputeError:
            pass
        else:
            if not frame.height:
                raise DamagedFile("no records: only a header line")
            return _with_keys(frame, label, pl.int_range(2, frame.height + 2, eager=True)), _rejects([])  # header is line 1
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = next(reader)
    records, keys, bad = [], [], []
    line = reader.line_num + 1
    for row in reader:
        key, line = f"{label}:{line}", reader.line_num + 1  # the line a record starts on
        if len(row) != len(header):
            bad.append((key, f"malformed: {len(row)} fields, header has {len(header)}", _printable(separator.join(row))))
        elif bad_bytes and any(_LONE_SURROGATE.search(v) for v in row):
            bad.append((key, "malformed: invalid UTF-8", _printable(separator.join(row))))
        else:
            records.append(dict(zip(header, row)))
            keys.append(key)
    if not records:
        raise _nothing_readable(bad, "record") if bad else DamagedFile("no records: only a header line")
    frame = pl.DataFrame(records, schema={h: pl.String for h in header})
    return frame.with_columns(pl.Series("__row_key", keys, dtype=pl.String)), _rejects(bad)


# --- plain text ----------------------------------------------------------------------------


def read_text(path: Path, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The whole file as one row (`file`, `text`). A paragraph (lines between blank lines) with
    invalid UTF-8 is a reject keyed `<label>:<first line>` and blanked out in the text, keeping
    the line count, so the book's other paragraphs and line numbers are unchanged."""
    text, bad_bytes = _decode(_read_bytes(path))
    bad = []
    if bad_bytes:
        lines = text.split("\n")
        start = 0
        for i in range(len(lines) + 1):
            if i == len(lines) or not lines[i].strip():
                if any(_LONE_SURROGATE.search(lines[j]) for j in range(start, i)):
                    bad.append((f"{label}:{start + 1}", "malformed: invalid UTF-8 in this paragraph", _printable("\n".join(lines[start:i]))))
                    lines[start:i] = [""] * (i - start)
                start = i + 1
        text = "\n".join(lines)
    return pl.DataFrame({"file": [path.name], "text": [text], "__row_key": [label]}), _rejects(bad)


# --- Parquet -------------------------------------------------------------------------------


def read_parquet(path: Path, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    if path.stat().st_size == 0:
        raise DamagedFile("empty file")
    try:
        frame = pl.read_parquet(path)
    except pl.exceptions.PolarsError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DamagedFile(f"not a readable Parquet file, truncated or corrupt ({detail})") from exc
    if not frame.height:
        raise DamagedFile("no records: the Parquet file has no rows")
    return _with_keys(frame, label, pl.int_range(0, frame.height, eager=True)), _rejects([])


def _settled(dtype: pl.DataType) -> pl.DataType:
    """`dtype` with the Null type (also inside lists and structs) replaced by String: JSON in
    which a field is always null or an empty list carries no type, and string operations on
    such a field would fail for the whole file."""
    if isinstance(dtype, pl.List):
        return pl.List(_settled(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return pl.Struct({f.name: _settled(f.dtype) for f in dtype.fields})
    return pl.String if dtype == pl.Null else dtype


def _settle_nested_nulls(frame: pl.DataFrame) -> pl.DataFrame:
    changed = {name: _settled(dtype) for name, dtype in frame.schema.items() if _settled(dtype) != dtype}
    return frame.cast(changed) if changed else frame


def read_file(path: Path, label: str, override: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows, rejects) of one file; `label` prefixes the row keys (usually the repo-relative path)."""
    if path.is_dir():
        raise DamagedFile("a folder, not a file")
    kind = reader_for(path, override)
    if kind == "parquet":
        return read_parquet(path, label)
    if kind in ("jsonl", "json"):
        frame, rejects = (read_jsonl if kind == "jsonl" else read_json)(path, label)
        return _settle_nested_nulls(frame), rejects
    if kind in ("csv", "tsv"):
        return read_delimited(path, label, "," if kind == "csv" else "\t")
    if kind == "text":
        return read_text(path, label)
    raise ValueError(f"unknown reader {kind!r}")
