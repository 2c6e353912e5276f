"""A synthetic mirror of every recipe source at any size, in each source's real upstream layout.

    .venv/bin/python benchmarks/make_synthetic.py OUT_DIR --rows 1000000

The shipped sample mirror (`data/samples/`, the layout the readers resolve: README `configs:`,
hub conventions, explicit `data_files`, GitHub/Gutenberg paths) is copied, then every file a
source reads is regenerated at the source's share of `--rows` (the v0.2 mix's proportions,
`SHARES`) in the same format (Parquet, JSONL, JSONL.gz, JSON array, CSV, plain text):

- rows cycle through the real sample rows, so text lengths and field shapes are real; copy c > 0
  of a sample row gets " [c]" appended to its long text fields (nested conversation turns
  included), so ids stay distinct;
- cross-source duplicates: `DUPLICATES` gives a share of a source's rows another source's
  instruction text (the mix must drop them by priority);
- planted benchmark items: `PLANTED` gives a share of rows a benchmark test item (from the
  mirror's benchmark files) inside a short wrapper;
- ~1% malformed records: an empty main text field (converter rejects), plus broken JSON lines in
  JSONL files and ragged records in CSV files.

Everything derives from the row index (no global RNG): the same N gives the same bytes.
Benchmark files are left as shipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bagel_data import upstream  # noqa: E402
from bagel_data.recipe import Recipe, load_recipe  # noqa: E402
from bagel_data.settings import Settings  # noqa: E402

SAMPLES = ROOT / "data" / "samples"

# approximate input rows per source in the v0.2 mix (kept rows, caps applied), in thousands
SHARES = {
    "ai2_arc": 1.1, "airoboros": 58, "apps": 5, "belebele": 36, "bluemoon": 3, "boolq": 9.4, "capybara": 16,
    "cinematika": 1.5, "drop": 5, "emobank": 8, "gutenberg": 1, "lmsys_chat_1m": 30, "mathinstruct": 50, "mmlu": 50,
    "natural_instructions": 50, "openbookqa": 5, "pippa": 8, "piqa": 16, "python_alpaca": 22, "rosetta_code": 50,
    "slimorca": 50, "spider": 7, "squad_v2": 25, "summarization": 0.5, "synthia": 25, "winogrande": 10,
    "helpsteer": 35, "orca_dpo_pairs": 12.8, "truthy": 1, "ultrafeedback": 60, "toxic": 0.5,
}
# (recipient source, its field) <- (donor source, its field), share of the recipient's rows
DUPLICATES = [("python_alpaca", "instruction", "mathinstruct", "instruction", 0.03), ("spider", "question", "mathinstruct", "instruction", 0.02)]
# (source, field) <- benchmark items, share of the source's rows
PLANTED = [("mathinstruct", "instruction", "gsm8k", 0.002), ("synthia", "instruction", "alpaca_eval", 0.002), ("orca_dpo_pairs", "question", "mmlu", 0.002)]
BENCH_TEXT = {"gsm8k": "question", "alpaca_eval": "instruction", "mmlu": "question"}
WRAPPERS = ["Question {j}: {x}", "{x}\n\n(problem {j})", "Please help with exercise {j}.\n\n{x}", "Exercise {j}. {x} Explain briefly."]
MALFORMED = 0.01
TEXT_FIELDS = ("value", "content", "input", "output", "text")  # string fields inside nested turns
CHUNK = 200_000


def source_files(recipe: Recipe) -> dict[str, list[Path]]:
    """The sample files each enabled source reads (paths relative to the samples root)."""
    settings = Settings(mode="samples", home=Path(tempfile.gettempdir()) / "bagel-synthetic-home")  # never the repo's data/
    out = {}
    for spec in recipe.enabled_sources():
        files = []
        for inp in upstream.version_of("sources", spec, settings).inputs:
            base = Path(inp.where).relative_to(SAMPLES)
            files += [base / f for f in inp.files]
        out[spec.name] = list(dict.fromkeys(files))
    return out


# --- reading and writing one file in its own format -----------------------------------------


def _kind(path: Path) -> str:
    name = path.name
    for suffix, kind in ((".jsonl.gz", "jsonl.gz"), (".jsonl", "jsonl"), (".json", "json"), (".parquet", "parquet"), (".csv", "csv"), (".txt", "txt")):
        if name.endswith(suffix):
            return kind
    raise ValueError(f"no synthetic writer for {path}")


def read_sample(path: Path) -> pl.DataFrame:
    """A sample file's well-formed records, with `__src` = the record's index in the file (what
    the readers put in a row key)."""
    kind = _kind(path)
    if kind == "parquet":
        return pl.read_parquet(path).with_row_index("__src")
    if kind == "csv":
        return pl.read_csv(path, infer_schema_length=0).with_row_index("__src")  # all strings, written back as read
    if kind in ("jsonl", "jsonl.gz"):
        text = gzip.open(path, "rt").read() if kind == "jsonl.gz" else path.read_text()
        return _records([_parse(l) for l in text.splitlines()])
    return _records(json.loads(path.read_text()))


def _parse(line: str):
    try:
        return json.loads(line) if line.strip() else None
    except json.JSONDecodeError:  # the samples' own malformed lines: left out, we plant our own
        return None


def _records(records: list) -> pl.DataFrame:
    """The well-formed records (same keys and value kinds as the first record)."""
    indexed = [(i, r) for i, r in enumerate(records) if isinstance(r, dict)]
    first = indexed[0][1]
    kinds = {k: type(v) for k, v in first.items()}
    good = [(i, r) for i, r in indexed if r.keys() == first.keys() and all(v is None or kinds[k] is type(None) or isinstance(v, kinds[k]) for k, v in r.items())]
    frame = pl.from_dicts([r for _, r in good], infer_schema_length=None)
    return frame.with_columns(pl.Series("__src", [i for i, _ in good], dtype=pl.UInt32))


def sample_rejects(recipe: Recipe) -> dict[str, set[int]]:
    """{file relative to the samples root: record indices the converter sets aside as malformed}:
    the samples plant malformed records on purpose; the mirror leaves those out and plants ~1%."""
    from bagel_data.sources import run_converter

    bad: dict[str, set[int]] = {}
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(mode="samples", home=Path(home))
        for spec in recipe.enabled_sources():
            _converted, tables = run_converter(spec, recipe, settings)
            rejects = pl.from_arrow(tables["rejects"]).filter(pl.col("reason").str.starts_with("malformed"))
            repo = spec.upstream.repo
            for key in rejects["row_key"].to_list():
                file, _, index = key.rpartition(":")
                if index.isdigit():
                    bad.setdefault(f"{repo}/{file}", set()).add(int(index))
    return bad


class Writer:
    """Appends chunks to one file in its format; JSONL gets broken lines, CSV ragged records."""

    def __init__(self, path: Path, kind: str):
        self.path, self.kind, self._pq, self._first = path, kind, None, True
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "jsonl.gz":
            self._fh = gzip.open(path, "wt", compresslevel=1)
        elif kind != "parquet":
            self._fh = open(path, "w", encoding="utf-8")
        if kind == "json":
            self._fh.write("[\n")

    def write(self, frame: pl.DataFrame, broken: pl.Series) -> None:
        if self.kind == "parquet":
            table = frame.to_arrow()
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema, compression="snappy")
            self._pq.write_table(table)
            return
        if self.kind == "csv":
            text = frame.write_csv(include_header=self._first)
            lines = text.splitlines(keepends=True) if "\n" in text else [text]
            head = lines[:1] if self._first else []
            body = lines[1:] if self._first else lines
            bad = set(broken.arg_true().to_list()) if len(body) == frame.height else set()  # quoted newlines: leave whole
            self._fh.write("".join(head + [l.rstrip("\n") + ',"x","y"\n' if i in bad else l for i, l in enumerate(body)]))
        else:
            lines = frame.write_ndjson().splitlines()
            if self.kind == "json":
                self._fh.write(("" if self._first else ",\n") + ",\n".join(lines))
            else:
                bad = set(broken.arg_true().to_list())
                self._fh.write("".join((l[: len(l) // 2] + "\n") if i in bad else l + "\n" for i, l in enumerate(lines)))
        self._first = False

    def close(self) -> None:
        if self.kind == "parquet":
            if self._pq is not None:
                self._pq.close()
            return
        if self.kind == "json":
            self._fh.write("\n]\n")
        self._fh.close()


# --- generating rows ------------------------------------------------------------------------


def _long_columns(sample: pl.DataFrame) -> list[str]:
    """Columns whose text varies per copy: strings averaging >= 30 chars, and lists of turns."""
    out = []
    for name, dtype in sample.schema.items():
        if dtype == pl.String and (sample[name].str.len_chars().mean() or 0) >= 30:
            out.append(name)
        elif isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct) and any(f.name in TEXT_FIELDS for f in dtype.inner.fields):
            out.append(name)
    return out


def _vary_turns(frame: pl.DataFrame, column: str, suffix: pl.Expr, empty: pl.Expr) -> pl.DataFrame:
    """Append the row's suffix to every text field of every turn; empty the list where `empty`."""
    inner = frame.schema[column].inner
    fields = [f.name for f in inner.fields if f.name in TEXT_FIELDS and f.dtype == pl.String]
    rows = frame.select(pl.int_range(pl.len()).alias("__r"), suffix.alias("__s"), empty.alias("__e"), pl.col(column))
    turns = rows.explode(column).with_columns(
        pl.col(column).struct.with_fields([(pl.field(f) + pl.col("__s")).alias(f) for f in fields])
    )
    back = turns.group_by("__r", maintain_order=True).agg(pl.col(column), pl.col("__e").first())
    back = rows.select("__r").join(back, on="__r", how="left", maintain_order="left")  # explode drops empty lists
    back = back.with_columns(pl.when(pl.col("__e")).then(pl.col(column).list.head(0)).otherwise(pl.col(column)).alias(column))
    nulls = frame[column].is_null() | (frame[column].list.len() == 0)
    restored = pl.when(pl.Series(nulls)).then(frame[column]).otherwise(back[column])
    return frame.with_columns(pl.select(restored.alias(column)).to_series())


def generate_rows(sample: pl.DataFrame, start: int, stop: int, salt: int, donors: dict[str, pl.Series]) -> tuple[pl.DataFrame, pl.Series]:
    """Rows start..stop of a file cycling through `sample`; (frame, broken-line flags)."""
    n = sample.height
    index = pl.int_range(start, stop, eager=True, dtype=pl.Int64)
    frame = sample[(index % n).to_list()]
    copy = index // n
    coin = ((index * 2654435761 + salt * 97) % 1000).cast(pl.Int64)  # a per-row number in 0..999
    malformed = coin < int(MALFORMED * 1000)
    suffix = pl.when(pl.Series(copy) > 0).then(pl.lit(" [") + pl.Series(copy).cast(pl.String) + pl.lit("]")).otherwise(pl.lit(""))
    longs = _long_columns(sample)
    strings = [c for c in longs if sample.schema[c] == pl.String]
    main = max(strings, key=lambda c: sample[c].str.len_chars().mean() or 0) if strings else None
    for column in longs:
        if frame.schema[column] == pl.String:
            empty = pl.Series(malformed) & pl.lit(column == main)
            frame = frame.with_columns(pl.when(empty).then(pl.lit("")).otherwise(pl.col(column) + suffix).alias(column))
        else:
            frame = _vary_turns(frame, column, suffix, pl.lit(main is None) & pl.Series(malformed))
    for column, (texts, share) in donors.items():  # duplicates and planted items replace one field
        if column not in frame.columns or texts.is_empty():
            continue
        hit = (coin >= 990 - int(share * 1000)) & (coin < 990)
        pick = texts.gather((index % texts.len()).to_list())
        frame = frame.with_columns(pl.when(pl.Series(hit)).then(pick).otherwise(pl.col(column)).alias(column))
    broken = (coin >= 10) & (coin < 13)  # ~0.3% broken JSON lines / ragged CSV records on top
    return frame, broken


def _gutenberg(path: Path, out: Path, copies: int) -> int:
    """A longer book: the body repeated, each copy's paragraphs marked so chapters stay distinct."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find("*** START OF"), text.find("*** END OF")
    if start < 0 or end < 0:
        shutil.copyfile(path, out)
        return 1
    head_end = text.index("\n", start) + 1
    body = text[head_end:end]
    copies_text = [body] + [body.replace(".\n\n", f". [{c}]\n\n") for c in range(1, copies)]
    out.write_text(text[:head_end] + "".join(copies_text) + text[end:], encoding="utf-8")
    return copies


def _benchmark_texts(mirror: Path, recipe: Recipe, name: str) -> pl.Series:
    spec = recipe.benchmarks.get(name)
    if spec is None:
        return pl.Series([], dtype=pl.String)
    version = upstream.version_of("benchmarks", spec, Settings(mode="mirror", mirror=mirror, home=mirror / ".home"))
    frames = [read_sample(Path(i.where) / f).drop("__src") for i in version.inputs for f in i.files]
    texts = pl.concat([f.select(pl.col(BENCH_TEXT[name]).cast(pl.String)) for f in frames]).to_series().drop_nulls()
    return pl.Series([WRAPPERS[j % len(WRAPPERS)].format(j=j, x=t) for j in range(64) for t in texts.to_list()], dtype=pl.String)


def _donor_texts(mirror: Path, recipe: Recipe, files: dict[str, list[Path]]) -> dict[str, dict[str, tuple[pl.Series, float]]]:
    donors: dict[str, dict[str, tuple[pl.Series, float]]] = {}
    for target, field, source, source_field, share in DUPLICATES:
        if source in files and target in files:
            texts = pl.concat([read_sample(SAMPLES / f).drop("__src").select(pl.col(source_field).cast(pl.String)).to_series() for f in files[source] if _kind(f) != "txt"])
            donors.setdefault(target, {})[field] = (texts.drop_nulls(), share)
    for target, field, bench, share in PLANTED:
        if target in files:
            donors.setdefault(target, {})[field] = (_benchmark_texts(mirror, recipe, bench), share)
    return donors


def _clean(sample: pl.DataFrame, bad: set[int]) -> pl.DataFrame:
    kept = sample.filter(~pl.col("__src").is_in(sorted(bad))) if bad else sample
    return (kept if kept.height else sample).drop("__src")


def make_mirror(out: Path, rows: int, recipe: Recipe | None = None, *, write: bool = True) -> dict:
    """Write the synthetic mirror under `out`; returns {source: rows written} (records, not
    chapters). `write=False` only counts (for a mirror written before)."""
    recipe = recipe or load_recipe()
    if write:
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(SAMPLES, out)
    files = source_files(recipe)
    total_share = sum(SHARES.get(s, 1.0) for s in files)
    donors = _donor_texts(out, recipe, files)
    bad = sample_rejects(recipe)
    written: dict[str, int] = {}
    done: set[Path] = set()  # a file two sources read (airoboros-3.2 for slimorca) is sized by the first
    for k, (source, paths) in enumerate(sorted(files.items())):
        paths = [p for p in paths if p not in done]
        done.update(paths)
        target = max(1, round(rows * SHARES.get(source, 1.0) / total_share))
        paths = [p for p in paths if p.suffix != ".md"]  # a folder hashed whole (gutenberg) lists its README
        if all(_kind(p) == "txt" for p in paths):  # gutenberg: books of ~30 chapters each
            copies = max(1, round(target / max(1, 30 * len(paths))))
            written[source] = (sum(_gutenberg(SAMPLES / p, out / p, copies) for p in paths) if write else 1) and target
            continue
        samples = {p: _clean(read_sample(SAMPLES / p), bad.get(p.as_posix(), set())) for p in paths}
        sizes = {p: f.height for p, f in samples.items()}
        total = sum(sizes.values()) or 1
        written[source] = 0
        for j, path in enumerate(paths):
            sample = samples[path]
            count = max(1, round(target * sizes[path] / total)) if sample.height else 0
            if count == 0:
                continue
            if not write:
                written[source] += count
                continue
            writer = Writer(out / path, _kind(path))
            for start in range(0, count, CHUNK):
                frame, broken = generate_rows(sample, start, min(count, start + CHUNK), 31 * k + j, donors.get(source, {}))
                writer.write(frame, broken)
            writer.close()
            written[source] += count
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    written = make_mirror(args.out, args.rows)
    print(json.dumps({"rows": sum(written.values()), "by_source": written}, indent=2))


if __name__ == "__main__":
    main()
