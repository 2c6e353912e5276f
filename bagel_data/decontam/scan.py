"""`bagel-data scan INPUT --report OUT.parquet`: check any JSONL or Parquet training file against
the recipe's benchmarks and write the contamination report (same columns as the pipeline's).

The text of a record is auto-detected: `instruction` (+ `input`), `prompt`, `question`, the first
user turn (plus system prompt) of `messages` / `conversations` / `conversation` (role/content or
from/value turns), else `text`, record by record; `--text-field` names the field instead.

Nothing is skipped silently: malformed JSONL lines (and non-object JSON items) are counted and the
first line numbers printed; records with no text are counted. A record's own `id` field (string or
integer), when it has one, is its `row_key` in the report; otherwise `<file>:<line>`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from bagel_data import ids, schema
from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.embed import Embedder
from bagel_data.decontam.report import REPORT, REVIEW
from bagel_data.decontam.run import benchmark_views, find_contamination_and_review
from bagel_data.reading import ReadError
from bagel_data.reading.readers import read_file
from bagel_data.recipe import Recipe, load_recipe
from bagel_data.settings import Settings
from bagel_data.storage import Layout, write_parquet

TURN_FIELDS = ("messages", "conversations", "conversation")
ID_FIELD = "id"
FIRST_SKIPPED = 10  # line numbers of skipped lines listed in the summary
STRING_FIELDS = ("instruction", "prompt", "question", "text")
USER_ROLES = ("user", "human")


def _turns(column: str) -> tuple[pl.Expr, pl.Expr]:
    """(first user turn, system prompt) of a list-of-turns column, either turn style."""
    col = pl.col(column)
    fields = col.list.eval(
        pl.struct(
            pl.coalesce(pl.element().struct.field("role"), pl.element().struct.field("from")).cast(pl.String).str.to_lowercase().alias("r"),
            pl.coalesce(pl.element().struct.field("content"), pl.element().struct.field("value")).cast(pl.String).alias("c"),
        )
    )
    pick = lambda roles: fields.list.eval(pl.element().filter(pl.element().struct.field("r").is_in(roles)).struct.field("c")).list.first()  # noqa: E731
    return pick(list(USER_ROLES)), pick(["system"])


def _ensure_turn_fields(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Give every turn struct both naming styles so one expression reads either."""
    dtype = frame.schema[column]
    if not isinstance(dtype, pl.List) or not isinstance(dtype.inner, pl.Struct):
        raise ValueError(f"field {column!r} is not a list of turns")
    names = {f.name for f in dtype.inner.fields}
    missing = [n for n in ("role", "from", "content", "value") if n not in names]
    if not missing:
        return frame
    extra = [pl.lit(None, dtype=pl.String).alias(n) for n in missing]
    return frame.with_columns(pl.col(column).list.eval(pl.element().struct.with_fields(extra)))


def _field_text(frame: pl.DataFrame, field: str) -> tuple[pl.DataFrame, pl.Expr]:
    """(frame, struct {user, system}) of one field, null where that field gives no text."""
    if isinstance(frame.schema[field], pl.List):
        frame = _ensure_turn_fields(frame, field)
        user, system = _turns(field)
    else:
        user = pl.col(field).cast(pl.String)
        if field == "instruction" and "input" in frame.columns:  # alpaca style
            extra = pl.col("input").cast(pl.String)
            user = pl.when(extra.is_null() | (extra.str.strip_chars() == "")).then(user).otherwise(user + "\n" + extra)
        system = pl.col("system").cast(pl.String) if "system" in frame.columns else pl.lit(None, dtype=pl.String)
    given = user.is_not_null() & (user.str.strip_chars() != "")
    return frame, pl.when(given).then(pl.struct(user.alias("user"), system.alias("system")))


def extract_texts(frame: pl.DataFrame, text_field: str | None = None) -> tuple[pl.DataFrame, str]:
    """(train_id, source, row_key, text, embed_text) per record, and the field(s) the text came
    from. Without `text_field`, each record uses the first of the known fields it has."""
    fields = [text_field] if text_field else [f for f in (*STRING_FIELDS[:3], *TURN_FIELDS, "text") if f in frame.columns]
    if not fields or fields[0] not in frame.columns:
        wanted = text_field or " / ".join((*STRING_FIELDS, *TURN_FIELDS))
        raise ValueError(f"no text field {wanted} in input (columns: {', '.join(c for c in frame.columns if c != '__row_key')})")
    choices = []
    for field in fields:
        frame, choice = _field_text(frame, field)
        choices.append(choice)
    picked = pl.coalesce(choices) if len(choices) > 1 else choices[0]
    user, system = picked.struct.field("user"), picked.struct.field("system")
    out = frame.select(
        pl.col("__row_key").alias("row_key"),
        pl.when(system.is_null() | (system.str.strip_chars() == "")).then(user).otherwise(system + "\n\n" + user).alias("text"),
        user.alias("embed_text"),
    ).filter(pl.col("text").is_not_null() & (pl.col("text").str.strip_chars() != ""))
    return out.with_columns(ids.text_ids(out["text"]).alias("train_id")), " / ".join(fields)


def read_input(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records with `__row_key` = `<file>:<line>`, skipped lines: row_key, reason, raw)."""
    if not path.is_file():
        raise ReadError(f"scan: input {path} does not exist or is not a file")
    name = path.name.lower().removesuffix(".gz")
    if not name.endswith((".jsonl", ".json", ".parquet")):
        raise ReadError(f"scan: {path.name} is neither JSONL nor Parquet (.jsonl, .json, .parquet, optionally .gz)")
    try:
        frame, bad = read_file(path, path.name)
    except Exception as exc:  # noqa: BLE001 - any failure to parse the whole file is reported, with context
        raise ReadError(f"scan: cannot read {path}: {type(exc).__name__}: {exc}") from exc
    return frame, bad


def with_record_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """`__row_key` becomes the record's own `id` where it has one (a string or integer field)."""
    dtype = frame.schema.get(ID_FIELD)
    if dtype is None or not (dtype == pl.String or dtype.is_integer()):
        return frame
    own = pl.col(ID_FIELD).cast(pl.String)
    return frame.with_columns(pl.when(own.is_null() | (own.str.strip_chars() == "")).then(pl.col("__row_key")).otherwise(own).alias("__row_key"))


def skipped_lines(bad: pl.DataFrame) -> dict:
    """Count, first line (or JSON array item) numbers and reasons of the records read_file set aside."""
    if bad is None or not bad.height:
        return {"count": 0, "first_lines": [], "reasons": {}}
    numbers = bad["row_key"].str.extract(r":(\d+)$", 1).cast(pl.Int64, strict=False)
    reasons = bad.group_by("reason").len().sort("reason")
    return {
        "count": bad.height,
        "first_lines": numbers.drop_nulls().sort().head(FIRST_SKIPPED).to_list(),
        "reasons": dict(zip(reasons["reason"].to_list(), reasons["len"].to_list())),
    }


def review_path_for(report_path: str | Path) -> Path:
    """Where a scan writes its borderline pairs: `<report stem>.review.parquet` next to the report."""
    report_path = Path(report_path)
    return report_path.with_name(f"{report_path.stem}.review.parquet")


def run_scan(
    input_path: str | Path,
    report_path: str | Path,
    *,
    mirror: str | Path | None = None,
    text_field: str | None = None,
    recipe: Recipe | str | Path | None = None,
    home: str | Path | None = None,
    embedder: Embedder | None = None,
) -> dict:
    """Scan one file; write the report to `report_path`; return a summary dict."""
    recipe = recipe if isinstance(recipe, Recipe) else load_recipe(recipe)
    overrides = {"home": Path(home) if home else None}
    if mirror:
        overrides.update(mode="mirror", mirror=Path(mirror))
    settings = Settings.from_env(**overrides)
    settings.check_folders()  # a missing mirror: one error up front, not one per benchmark
    input_path = Path(input_path)
    frame, bad = read_input(input_path)
    rows, field = extract_texts(with_record_ids(frame), text_field)
    rows = rows.with_columns(pl.lit(input_path.name).alias("source"))
    config = DecontamConfig.from_section({**recipe.decontamination, "enabled": True})
    if embedder is None and config.embedding:
        embedder = Embedder(config.model, cache_root=Layout(settings.home).cache_dir, device=config.device, batch_size=config.batch_size, max_seq_length=config.max_seq_length)
    views = benchmark_views(recipe, settings)
    report, review, stats = find_contamination_and_review(rows, views, config, embedder)
    write_parquet(schema.conform(report, REPORT), Path(report_path))
    review_path = review_path_for(report_path)
    write_parquet(schema.conform(review, REVIEW), review_path)
    by_benchmark = report.group_by("benchmark").len().sort("benchmark")
    by_method = report.group_by("method").len().sort("method")
    return {
        "input": str(input_path),
        "report": str(report_path),
        "review": str(review_path),
        "review_pairs": review.height,
        "text_field": field,
        "rows": rows.height,
        "skipped": skipped_lines(bad),
        "without_text": frame.height - rows.height,
        "contaminated_rows": stats["contaminated_rows"],
        "matches": report.height,
        "by_benchmark": dict(zip(by_benchmark["benchmark"].to_list(), by_benchmark["len"].to_list())),
        "by_method": dict(zip(by_method["method"].to_list(), by_method["len"].to_list())),
        "stats": stats,
    }


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("scan", help="check a JSONL/Parquet training file against the recipe's benchmarks", description=__doc__)
    parser.add_argument("input", metavar="INPUT", help="JSONL or Parquet file of training records")
    parser.add_argument("--report", required=True, help="where to write the report (Parquet)")
    parser.add_argument("--mirror", default=None, help="hub-layout folder holding the benchmarks (default: BAGEL_DATA_MODE/MIRROR, else the samples)")
    parser.add_argument("--text-field", default=None, help="field holding the text (a string, or a list of chat turns)")
    parser.set_defaults(handler=main)
    return parser


def main(args: argparse.Namespace) -> int:
    try:
        summary = run_scan(args.input, args.report, mirror=args.mirror, text_field=args.text_field, recipe=getattr(args, "recipe", None))
    except (ReadError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"scanned {summary['rows']} rows of {summary['input']} (text from {summary['text_field']!r})")
    skipped = summary["skipped"]
    if skipped["count"]:
        more = ", ..." if skipped["count"] > len(skipped["first_lines"]) else ""
        reasons = "; ".join(f"{r}: {n}" for r, n in skipped["reasons"].items())
        print(f"skipped {skipped['count']} malformed lines (lines {', '.join(map(str, skipped['first_lines']))}{more}; {reasons})")
    if summary["without_text"]:
        print(f"skipped {summary['without_text']} records with no text")
    print(f"contaminated rows: {summary['contaminated_rows']}; report: {summary['report']}; review pairs: {summary['review_pairs']} ({summary['review']})")
    for bench, count in summary["by_benchmark"].items():
        print(f"  {bench}: {count}")
    if summary["by_method"]:
        print("  by method: " + ", ".join(f"{m} {n}" for m, n in summary["by_method"].items()))
    return 0
