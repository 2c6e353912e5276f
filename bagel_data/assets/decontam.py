"""Dagster wiring for decontamination: one asset per benchmark (group `benchmarks`, the indexed
views of its test items); per source one asset `decontamination/<source>` (or, for a source the
recipe splits with `decontamination.hash_partitions`, one per hash partition
`decontamination/<source>/p<k>of<N>`) checking only that source's rows; `contamination_matches`,
the union the mix and the catalog read, and `contamination_summary` (group `decontamination`);
and the `embedder` resource (sentence-transformers model, device, batch size).

A changed source re-runs only its own unit(s) and the cheap union, so the other sources'
matches are reused as they are. The assets only call `bagel_data.decontam` and attach
metadata; the mix drops every matched `train_id` before sampling.
"""

from typing import Optional

import dagster as dg  # no "from __future__ import annotations": Dagster inspects the context annotation
import polars as pl

from bagel_data import schema
from bagel_data.assets.metadata import column_schema, counts_table, preview
from bagel_data.assets.resources import BagelResource
from bagel_data.decontam.benchmarks import VIEWS, read_benchmark
from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.embed import Embedder
from bagel_data.decontam.embed import EmbedStats
from bagel_data.decontam.report import REPORT, SUMMARY, summarize
from bagel_data.decontam.run import Unit, benchmark_views, decontaminate_unit, read_unit_stats, union_outputs, units
from bagel_data.recipe import BenchmarkSpec, Recipe
from bagel_data.storage import Layout, write_parquet

BENCHMARK_GROUP = "benchmarks"
GROUP = "decontamination"
MATCHES = dg.AssetKey("contamination_matches")
SUMMARY_KEY = dg.AssetKey("contamination_summary")
MATCHES_CHECK_DESCRIPTION = "Decontamination report integrity: every match names a benchmark item that the benchmark assets indexed."


class EmbedderResource(dg.ConfigurableResource):
    """Sentence embeddings for decontamination. Empty settings fall back to the recipe's
    `decontamination.embedding` section (default model: all-MiniLM-L6-v2, shipped offline)."""

    model: Optional[str] = None  # sentence-transformers name or local path
    device: str = "auto"  # auto = cuda when available, else cpu
    batch_size: Optional[int] = None

    def embedder(self, config: DecontamConfig, layout: Layout) -> Embedder:
        return Embedder(
            self.model or config.model,
            cache_root=layout.cache_dir,
            device=self.device if self.device != "auto" else config.device,
            batch_size=self.batch_size or config.batch_size,
            max_seq_length=config.max_seq_length,
        )


def benchmark_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["benchmarks", name])


def build_benchmark_asset(spec: BenchmarkSpec) -> dg.AssetsDefinition:
    up = spec.upstream
    where = f"`{up.repo}`" + (f" config `{up.config}`" if up.config else "") + f" split `{up.split}`"
    extra = "".join(f", `{i.split}`" for i in spec.inputs.values())

    @dg.asset(
        key=benchmark_key(spec.name),
        group_name=BENCHMARK_GROUP,
        description=f"Views of {spec.name} items indexed for decontamination, from {where}{extra}.",
        kinds={"polars", "parquet"},
        owners=["team:data"],
        metadata={"upstream": up.repo, "dagster/column_schema": column_schema(VIEWS)},
    )
    def _benchmark(context: dg.AssetExecutionContext, bagel: BagelResource):
        settings = bagel.settings()
        views, upstream_rows, files = read_benchmark(spec, settings)
        path = write_parquet(schema.conform(views, VIEWS), Layout(settings.home).benchmark(spec.name))
        per_view = views.group_by("view").len()
        context.log.info(f"{spec.name}: {upstream_rows} upstream rows -> {views.height} views")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": views.height,
                "upstream_rows": upstream_rows,
                "items": views["item_id"].n_unique(),
                "items_dropped": upstream_rows - views["item_id"].n_unique(),
                "views_by_kind": counts_table(dict(zip(per_view["view"].to_list(), per_view["len"].to_list())), key="view"),
                "files": dg.MetadataValue.json(files),
                "preview": preview(views.drop("segments")),
                "path": dg.MetadataValue.path(str(path)),
                **bagel.provenance(),
                "upstream_revision": f"{up.repo}@{up.revision}",
            }
        )

    return _benchmark


def unit_key(unit: Unit) -> dg.AssetKey:
    return dg.AssetKey(["decontamination", unit.source] + ([f"p{unit.part}of{unit.parts}"] if unit.parts > 1 else []))


def _embedding_metadata(stats: dict) -> dict:
    total = stats.get("embedding_total") or {}
    if not total:
        return {}
    return {
        "embedding_texts_per_second": float(total.get("texts_per_second", 0.0)),
        "embedding_cache_hit_rate": float(total.get("cache_hit_rate", 0.0)),
        "embedding": dg.MetadataValue.json(total),
    }


def _summed_embedding(all_stats: list[dict]) -> dict:
    """Embedding counters of several units added up (rate over the encoding time of them all)."""
    totals = [s["embedding_total"] for s in all_stats if s.get("embedding_total")]
    if not totals:
        return {}
    acc = EmbedStats()
    for t in totals:
        acc.add(EmbedStats(texts=t["texts"], cache_hits=t["cache_hits"], encoded=t["encoded"], seconds=t["encode_seconds"]))
    out = acc.as_dict()
    if not acc.encoded:  # nothing encoded (all cached): report the rate the index was embedded at, if any
        out["texts_per_second"] = max((t.get("texts_per_second", 0.0) for t in totals), default=0.0)
        index = [s.get("embedding_index") or {} for s in all_stats]
        out["texts_per_second"] = max([out["texts_per_second"], *(i.get("texts_per_second", 0.0) for i in index)])
    return out


def _orphans(report: pl.DataFrame, views: pl.DataFrame) -> int:
    known = views.select(pl.col("benchmark"), pl.col("item_id").alias("benchmark_id")).unique()
    return report.join(known, on=["benchmark", "benchmark_id"], how="anti").height


def build_unit_asset(unit: Unit, recipe: Recipe) -> dg.AssetsDefinition:
    key = unit_key(unit)
    which = f"source `{unit.source}`" + (f" (hash partition {unit.part} of {unit.parts})" if unit.parts > 1 else "")

    @dg.asset(
        key=key,
        group_name=GROUP,
        deps=[dg.AssetKey(["sources", unit.source])] + [benchmark_key(b) for b in recipe.benchmarks],
        description=(
            f"Rows of {which} (first user turn plus system of instructions, prompt of DPO pairs) that copy, contain or "
            "reword a benchmark item: rarity-weighted n-gram containment, then embedding neighbours confirmed by "
            "rare-word overlap. One row per training row and benchmark with both texts."
        ),
        kinds={"polars", "faiss", "parquet"},
        owners=["team:data"],
        tags={"bagel/role": "decontamination"},
        metadata={"dagster/column_schema": column_schema(REPORT), "source": unit.source},
        check_specs=[
            dg.AssetCheckSpec("matches_point_at_indexed_items", asset=key, description=MATCHES_CHECK_DESCRIPTION)
        ],
    )
    def _unit(context: dg.AssetExecutionContext, bagel: BagelResource, embedder: EmbedderResource):
        settings = bagel.settings()
        layout = Layout(settings.home)
        config = DecontamConfig.from_section(recipe.decontamination)
        views = benchmark_views(recipe, settings, from_layout=True)
        model = embedder.embedder(config, layout) if config.enabled and config.embedding else None
        report, stats = decontaminate_unit(layout, unit, views, config, model)
        context.log.info(f"decontamination {unit.name}: {stats}")
        orphans = _orphans(report, views)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": report.height,
                "rows_checked": stats["rows_checked"],
                "contaminated_rows": stats["contaminated_rows"],
                "stats": dg.MetadataValue.json({k: v for k, v in stats.items() if not k.startswith("embedding")}),
                **_embedding_metadata(stats),
                "preview": preview(report.select("source", "benchmark", "method", "score", "train_text", "benchmark_text")),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="matches_point_at_indexed_items", passed=orphans == 0, metadata={"matches_without_item": orphans},
                    description="Every match names a benchmark item that the benchmark assets indexed.",
                )
            ],
        )

    return _unit


def build_matches_asset(recipe: Recipe) -> dg.AssetsDefinition:
    all_units = units(recipe)

    @dg.asset(
        key=MATCHES,
        group_name=GROUP,
        deps=[unit_key(u) for u in all_units],
        description=(
            "Every source's contamination matches in one table (the union of the `decontamination/<source>` assets): "
            "one row per training row and benchmark with both texts; the mix drops every train_id here."
        ),
        kinds={"polars", "parquet"},
        owners=["team:data"],
        metadata={"dagster/column_schema": column_schema(REPORT)},
        check_specs=[dg.AssetCheckSpec("matches_point_at_indexed_items", asset=MATCHES, description=MATCHES_CHECK_DESCRIPTION)],
    )
    def _matches(context: dg.AssetExecutionContext, bagel: BagelResource):
        settings = bagel.settings()
        layout = Layout(settings.home)
        names = [u.name for u in all_units]
        report, path = union_outputs(layout, names, "matches")
        review, _ = union_outputs(layout, names, "review")  # decontam/review.parquet: the catalog's contamination_review
        stats = read_unit_stats(layout, names)
        views = benchmark_views(recipe, settings, from_layout=True)
        by_pair = report.group_by("benchmark", "method").len()
        orphans = _orphans(report, views)
        summed = {k: sum(s.get(k, 0) for s in stats) for k in ("rows_checked", "contaminated_rows", "ngram_matched_rows", "embedded_rows", "embedding_matched_rows")}
        embedding = _summed_embedding(stats)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": report.height,
                "rows_checked": summed["rows_checked"],
                "contaminated_rows": summed["contaminated_rows"],
                "units": len(names),
                "review_pairs": review.height,
                "by_benchmark_method": counts_table({f"{b} / {m}": n for b, m, n in by_pair.iter_rows()}, key="benchmark / method"),
                "stats": dg.MetadataValue.json(summed),
                "seconds_by_unit": dg.MetadataValue.json({s["unit"]: s.get("seconds", 0.0) for s in stats}),
                **_embedding_metadata({"embedding_total": embedding}),
                "preview": preview(report.select("source", "benchmark", "method", "score", "train_text", "benchmark_text")),
                "path": dg.MetadataValue.path(str(path)),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="matches_point_at_indexed_items",
                    passed=orphans == 0,
                    metadata={"matches_without_item": orphans},
                    description="Every match names a benchmark item that the benchmark assets indexed.",
                )
            ],
        )

    return _matches


def build_summary_asset(recipe: Recipe) -> dg.AssetsDefinition:
    @dg.asset(
        key=SUMMARY_KEY,
        group_name=GROUP,
        deps=[MATCHES],
        description="Contaminated training rows per benchmark x source (every pair, zeros included), by method, with the share of rows checked.",
        kinds={"polars", "parquet"},
        owners=["team:data"],
        metadata={"dagster/column_schema": column_schema(SUMMARY)},
    )
    def _summary(context: dg.AssetExecutionContext, bagel: BagelResource):
        layout = Layout(bagel.settings().home)
        report = pl.read_parquet(layout.decontam_dir / "matches.parquet")
        per_unit = read_unit_stats(layout, [u.name for u in units(recipe)])
        labels = [(label, n) for s in per_unit for label, n in sorted(s["checked_by_label"].items())]
        checked = pl.DataFrame(labels, schema={"source": pl.String, "rows": pl.Int64}, orient="row")
        checked = checked.group_by("source", maintain_order=True).agg(pl.col("rows").sum())
        summary = summarize(report, checked, list(recipe.benchmarks))
        path = write_parquet(schema.conform(summary, SUMMARY), layout.decontam_dir / "summary.parquet")
        hits = summary.filter(pl.col("contaminated") > 0)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": summary.height,
                "contaminated_rows": report.select("source", "row_key").n_unique(),
                "pairs_with_matches": hits.height,
                "preview": preview(hits.sort("contaminated", descending=True)),
                "path": dg.MetadataValue.path(str(path)),
            }
        )

    return _summary


def build_defs(recipe: Recipe) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            *(build_benchmark_asset(spec) for spec in recipe.benchmarks.values()),
            *(build_unit_asset(unit, recipe) for unit in units(recipe)),
            build_matches_asset(recipe),
            build_summary_asset(recipe),
        ],
        resources={"embedder": EmbedderResource()},
    )
