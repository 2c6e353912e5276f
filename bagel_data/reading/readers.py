"""Parse one data file into a Polars frame, setting unparsable records aside instead of failing.

A file that cannot be opened or decoded at all raises; a single bad JSON line or CSV record
becomes a reject (row key, reason, raw text) and the rest of the file is kept.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import polars as pl
import pyarrow.json as pa_json

REJECT_RAW_CHARS = 2000


def reader_for(path: Path, override: str | None = None) -> str:
    if override:
        return override
    name = path.name.lower().removesuffix(".gz")
    for ext, kind in ((".parquet", "parquet"), (".jsonl", "jsonl"), (".json", "json"), (".csv", "csv"), (".tsv", "tsv"), (".txt", "text")):
        if name.endswith(ext):
            return kind
    raise ValueError(f"no reader for file type of {path.name}")


def _open_text(path: Path) -> str:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8-sig")


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
            bad.append((key, reason, json.dumps(rec, ensure_ascii=False, default=str)[:REJECT_RAW_CHARS]))
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


def _rejects(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"row_key": pl.String, "reason": pl.String, "raw": pl.String}, orient="row")


def _read_jsonl_fast(text: str, label: str) -> pl.DataFrame | None:
    """Polars' native NDJSON reader when every line is a record; None when the file needs the
    line-by-line path (blank lines, a malformed line, a type conflict)."""
    body = text.replace("\r\n", "\n").rstrip("\n")
    if not body or "\n\n" in body or body.startswith("\n"):
        return None
    try:  # Arrow's reader is strict: a type conflict raises instead of turning a column into strings
        table = pa_json.read_json(io.BytesIO(body.encode("utf-8")), read_options=pa_json.ReadOptions(block_size=1 << 26))
        frame = pl.from_arrow(table)
    except Exception:  # noqa: BLE001 - any parse problem: fall back to per-line parsing with rejects
        return None
    if frame.height != body.count("\n") + 1:
        return None
    keys = [f"{label}:{i}" for i in range(1, frame.height + 1)]
    return frame.with_columns(pl.Series("__row_key", keys, dtype=pl.String))


def read_jsonl(path: Path, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    text = _open_text(path)
    fast = _read_jsonl_fast(text, label)
    if fast is not None:
        return fast, _rejects([])
    records, keys, bad = [], [], []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key = f"{label}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((key, f"malformed: invalid JSON ({exc.msg})", line[:REJECT_RAW_CHARS]))
            continue
        if not isinstance(obj, dict):
            bad.append((key, "malformed: JSON line is not an object", line[:REJECT_RAW_CHARS]))
            continue
        records.append(obj)
        keys.append(key)
    frame = _frame(records, keys, bad)
    return frame, _rejects(bad)


def read_json(path: Path, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A JSON array of objects (or {"data": [...]}, or one object per line as a fallback)."""
    text = _open_text(path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        return read_jsonl(path, label)
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        obj = obj["data"]
    if isinstance(obj, dict):
        obj = [obj]
    records, keys, bad = [], [], []
    for i, item in enumerate(obj):
        key = f"{label}:{i}"
        if isinstance(item, dict):
            records.append(item)
            keys.append(key)
        else:
            bad.append((key, "malformed: array item is not an object", json.dumps(item)[:REJECT_RAW_CHARS]))
    frame = _frame(records, keys, bad)
    return frame, _rejects(bad)


def read_delimited(path: Path, label: str, separator: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """CSV/TSV with a header; every column read as text (converters cast). Ragged records are rejects."""
    text = _open_text(path)
    try:
        frame = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False, quote_char='"')
        keys = [f"{label}:{i + 2}" for i in range(frame.height)]  # line of the record (header is line 1)
        return frame.with_columns(pl.Series("__row_key", keys, dtype=pl.String)), _rejects([])
    except pl.exceptions.ComputeError:
        pass
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = next(reader)
    records, keys, bad = [], [], []
    for i, row in enumerate(reader, start=2):
        key = f"{label}:{i}"
        if len(row) != len(header):
            bad.append((key, f"malformed: {len(row)} fields, header has {len(header)}", separator.join(row)[:REJECT_RAW_CHARS]))
            continue
        records.append(dict(zip(header, row)))
        keys.append(key)
    frame = pl.DataFrame(records, schema={h: pl.String for h in header}) if records else pl.DataFrame(schema={h: pl.String for h in header})
    return frame.with_columns(pl.Series("__row_key", keys, dtype=pl.String)), _rejects(bad)


def read_file(path: Path, label: str, override: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows, rejects) of one file; `label` prefixes the row keys (usually the repo-relative path)."""
    kind = reader_for(path, override)
    if kind == "parquet":
        frame = pl.read_parquet(path)
        keys = [f"{label}:{i}" for i in range(frame.height)]
        return frame.with_columns(pl.Series("__row_key", keys, dtype=pl.String)), _rejects([])
    if kind == "jsonl":
        return read_jsonl(path, label)
    if kind == "json":
        return read_json(path, label)
    if kind in ("csv", "tsv"):
        return read_delimited(path, label, "," if kind == "csv" else "\t")
    if kind == "text":
        frame = pl.DataFrame({"file": [path.name], "text": [_open_text(path)], "__row_key": [label]})
        return frame, _rejects([])
    raise ValueError(f"unknown reader {kind!r}")
