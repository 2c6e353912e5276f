"""The contamination report (one row per contaminated training row and benchmark, with both texts),
the review list (borderline pairs a person or the judge decides) and the benchmark x source
summary. Same columns for the pipeline asset and the `scan` CLI."""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from bagel_data import schema

REPORT = pa.schema(
    [
        pa.field("train_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("benchmark", pa.string(), nullable=False),
        pa.field("benchmark_id", pa.string(), nullable=False),
        pa.field("method", pa.string(), nullable=False),  # exact | ngram | embedding | answer | judge
        pa.field("score", pa.float64(), nullable=False),  # containment (exact, ngram) or cosine (embedding)
        pa.field("train_text", pa.string(), nullable=False),
        pa.field("benchmark_text", pa.string(), nullable=False),
        pa.field("row_key", pa.string(), nullable=False),  # the training row's upstream key
        pa.field("view", pa.string(), nullable=False),  # which view of the item matched
        pa.field("lexical", pa.float64()),  # rare-word overlap, for embedding matches
    ]
)

REVIEW = pa.schema(
    [
        *[f for f in REPORT if f.name != "method"],
        pa.field("method", pa.string(), nullable=False),  # the layer that came close: embedding | answer | ngram
        pa.field("decision", pa.string()),  # null (undecided) | contaminated | clean
        pa.field("reason", pa.string()),  # the judge's one-sentence reason, or why it could not decide
        pa.field("judge", pa.string()),  # the model that decided
    ]
)

SUMMARY = pa.schema(
    [
        pa.field("benchmark", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("rows_checked", pa.int64(), nullable=False),
        pa.field("contaminated", pa.int64(), nullable=False),
        pa.field("exact", pa.int64(), nullable=False),
        pa.field("ngram", pa.int64(), nullable=False),
        pa.field("embedding", pa.int64(), nullable=False),
        pa.field("answer", pa.int64(), nullable=False),
        pa.field("judge", pa.int64(), nullable=False),
        pa.field("share", pa.float64(), nullable=False),
    ]
)

METHOD_RANK = {"exact": 0, "ngram": 1, "embedding": 2, "answer": 3, "judge": 4}


def build_report(matches: pl.DataFrame, rows: pl.DataFrame, views: pl.DataFrame) -> pl.DataFrame:
    """Join detector matches (row, view, method, score, lexical) with the training rows (row index
    = position in `rows`: train_id, source, row_key, text) and the indexed views; keep the strongest
    match per training row and benchmark (exact, then ngram, then embedding; higher score; item id)."""
    train = rows.with_row_index("row").select(pl.col("row").cast(pl.Int64), "train_id", "source", "row_key", pl.col("text").alias("train_text"))
    bench = views.rename({"view": "view_name"}).with_row_index("view").select(
        pl.col("view").cast(pl.Int64), "benchmark", pl.col("item_id").alias("benchmark_id"), "view_name", pl.col("text").alias("benchmark_text")
    )
    joined = matches.join(train, on="row").join(bench, on="view").with_columns(pl.col("method").replace_strict(METHOD_RANK).alias("rank"))
    best = joined.sort(["row", "benchmark", "rank", "score", "benchmark_id", "view_name"], descending=[False, False, False, True, False, False]).unique(
        ["row", "benchmark"], keep="first", maintain_order=True
    )
    out = best.drop("view").rename({"view_name": "view"}).sort(["source", "row_key", "benchmark"])
    return pl.from_arrow(schema.conform(out, REPORT, "contamination report"))


def build_review(near: pl.DataFrame, rows: pl.DataFrame, views: pl.DataFrame, report: pl.DataFrame) -> pl.DataFrame:
    """Borderline pairs (detector `near` frame: row, view, method, score, lexical) as REVIEW rows:
    the closest item per training row and benchmark, leaving out (row, benchmark) pairs the report
    already holds; undecided."""
    if near.height == 0:
        return empty_review()
    best = build_report(near, rows, views)
    best = best.join(report.select("train_id", "benchmark"), on=["train_id", "benchmark"], how="anti")
    best = best.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in ("decision", "reason", "judge"))
    return pl.from_arrow(schema.conform(best, REVIEW, "contamination review"))


def with_judged(report: pl.DataFrame, review: pl.DataFrame) -> pl.DataFrame:
    """The report plus every review pair decided contaminated (method "judge"), in report order."""
    decided = review.filter(pl.col("decision") == "contaminated")
    if decided.height == 0:
        return report
    added = decided.with_columns(pl.lit("judge").alias("method"))
    out = pl.concat([report, pl.from_arrow(schema.conform(added, REPORT, "judged matches"))]).sort(["source", "row_key", "benchmark"], maintain_order=True)
    return pl.from_arrow(schema.conform(out, REPORT, "contamination report"))


def summarize(report: pl.DataFrame, checked: pl.DataFrame, benchmarks: list[str]) -> pl.DataFrame:
    """Counts per benchmark x source (every pair, zeros included); `checked` has source, rows."""
    grid = pl.DataFrame({"benchmark": benchmarks}).join(checked.select("source", pl.col("rows").alias("rows_checked")), how="cross")
    counts = report.group_by("benchmark", "source").agg(
        pl.col("row_key").n_unique().alias("contaminated"), *[(pl.col("method") == m).sum().alias(m) for m in METHOD_RANK]
    )
    out = grid.join(counts, on=["benchmark", "source"], how="full", coalesce=True).with_columns(
        pl.col("rows_checked").fill_null(0), *[pl.col(c).fill_null(0) for c in ("contaminated", *METHOD_RANK)]
    )
    out = out.with_columns((pl.col("contaminated") / pl.col("rows_checked").clip(lower_bound=1)).alias("share")).sort(["benchmark", "source"])
    return pl.from_arrow(schema.conform(out, SUMMARY, "contamination summary"))


def empty_report() -> pl.DataFrame:
    return pl.from_arrow(schema.empty(REPORT))


def empty_review() -> pl.DataFrame:
    return pl.from_arrow(schema.empty(REVIEW))
