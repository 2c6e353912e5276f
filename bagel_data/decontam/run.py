"""Plumbing shared by the Dagster assets and the scan CLI: gather training texts from the
normalized parts, gather benchmark views, run the detector and build the report."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from bagel_data.decontam.benchmarks import VIEWS, read_benchmark
from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.detect import Detector
from bagel_data.decontam.embed import Embedder
from bagel_data.decontam.report import build_report, empty_report
from bagel_data.recipe import Recipe
from bagel_data.settings import Settings
from bagel_data.storage import Layout

TRAIN_COLUMNS = {"train_id": pl.String, "source": pl.String, "row_key": pl.String, "text": pl.String, "embed_text": pl.String}


def _with_system(system: pl.Expr, text: pl.Expr) -> pl.Expr:
    return pl.when(system.is_null() | (system.str.strip_chars() == "")).then(text).otherwise(system + "\n\n" + text)


def instruction_texts(path: Path) -> pl.LazyFrame:
    """Training text of instruction rows: system prompt (if any) + first user turn; embedded: the user turn."""
    user = pl.col("conversation").list.first().struct.field("content")
    return pl.scan_parquet(path).select(
        pl.col("id").alias("train_id"), "source", "row_key", _with_system(pl.col("system"), user).alias("text"), user.alias("embed_text")
    )


def preference_texts(path: Path) -> pl.LazyFrame:
    return pl.scan_parquet(path).select(
        pl.col("id").alias("train_id"), "source", "row_key", _with_system(pl.col("system"), pl.col("prompt")).alias("text"), pl.col("prompt").alias("embed_text")
    )


def training_texts(layout: Layout, sources: list[str]) -> pl.DataFrame:
    """Every checked training row of the given sources (instructions and preference prompts)."""
    frames = []
    for name in sources:
        for part, reader in (("instructions", instruction_texts), ("preferences", preference_texts)):
            path = layout.normalized(name, part)
            if path.is_file():
                frames.append(reader(path))
    if not frames:
        return pl.DataFrame(schema=TRAIN_COLUMNS)
    return pl.concat(frames).collect().cast(TRAIN_COLUMNS).filter(pl.col("text").is_not_null())


def benchmark_views(recipe: Recipe, settings: Settings, *, from_layout: bool = False) -> pl.DataFrame:
    """Views of every recipe benchmark: read from the benchmark assets' files, or from upstream."""
    frames = []
    for name, spec in recipe.benchmarks.items():
        path = Layout(settings.home).benchmark(name)
        frames.append(pl.read_parquet(path) if from_layout else read_benchmark(spec, settings)[0])
    return pl.concat(frames) if frames else pl.from_arrow(VIEWS.empty_table())


def find_contamination(train: pl.DataFrame, views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None) -> tuple[pl.DataFrame, dict]:
    """(report, stats) for `train` (TRAIN_COLUMNS) against `views`."""
    if not config.enabled or train.height == 0 or views.height == 0:
        return empty_report(), {"rows_checked": train.height, "contaminated_rows": 0}
    started = time.perf_counter()
    detector = Detector(views, config, embedder if config.embedding else None)
    index_embed = embedder.last.as_dict() if embedder is not None and config.embedding else {}
    matches = detector.detect(train["text"], train["embed_text"].fill_null(train["text"]))
    report = build_report(matches, train, views)
    stats = {
        "rows_checked": train.height,
        "contaminated_rows": report.select("source", "row_key").n_unique(),
        "views": views.height,
        "index_seconds": round(detector.index_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
        "ngram_matched_rows": detector.stats.ngram_matched,
        "embedded_rows": detector.stats.embedded,
        "embedding_matched_rows": detector.stats.embedding_matched,
        "stage_seconds": {k: round(v, 2) for k, v in detector.stats.seconds.items()},
    }
    if embedder is not None and config.embedding:
        stats["embedding_index"] = index_embed
        stats["embedding_total"] = embedder.stats.as_dict()
    return report, stats
