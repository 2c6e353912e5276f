"""Build one product (sft or dpo) end to end: select → per source: gather, plan, render chunk
by chunk into the spill → sorted buckets → shards → manifest → checks, all in a staging folder
swapped into `Layout.output(product)` only when every check passes, under the output's write
lock (one writer per output; none while a CLI build holds the data home).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bagel_data.locks import write_lock
from bagel_data.mix.checks import CheckOutcome, target_schema, validate
from bagel_data.mix.config import PRODUCTS, MixConfig, mix_config
from bagel_data.mix.manifest import MANIFEST_NAME, OutputStats, build_manifest, upstream_revisions
from bagel_data.mix.plan import base_plan, row_hashes
from bagel_data.mix.render import gather, render_chunk
from bagel_data.mix.select import PARTS, Selection, fidelity_report, load_removals, ordered_sources, part_path, select_rows
from bagel_data.mix.shards import ShardWriter
from bagel_data.mix.spill import Spill, bucket_count
from bagel_data.recipe import Recipe
from bagel_data.storage import Layout, replace_dir, staging_dir, write_json


class MixCheckError(RuntimeError):
    """The built output failed a blocking check; it was not swapped into place."""

    def __init__(self, product: str, outcomes: list[CheckOutcome]):
        self.product, self.outcomes = product, outcomes
        failed = [f"{o.name}: {o.description}" for o in outcomes if not o.passed]
        super().__init__(f"{product} output failed checks (previous output left in place): " + " | ".join(failed))


@dataclass
class BuildReport:
    product: str
    folder: Path
    manifest: dict
    selection: Selection
    checks: list[CheckOutcome]


def build_product(recipe: Recipe, home: Path, product: str, config: MixConfig | None = None) -> BuildReport:
    if product not in PRODUCTS:
        raise ValueError(f"unknown product {product!r}: use one of {PRODUCTS}")
    with write_lock(home, f"output-{product}"):
        return _build_product(recipe, Layout(home), product, config or mix_config(recipe))


def _build_product(recipe: Recipe, layout: Layout, product: str, config: MixConfig) -> BuildReport:
    removals = load_removals(recipe, layout)
    selection = select_rows(recipe, config, layout, product, removals)
    kinds = PARTS[product]
    n_formats, k = len(config.formats), config.k(product)
    records = selection.rows.select((pl.col("turns") * pl.when(pl.col("part") == "texts").then(1).otherwise(k)).sum()).item() or 0
    final = layout.output(product)
    staged = staging_dir(final)
    spill = Spill(staged / ".spill", bucket_count(records, config.render_chunk_rows))
    exempt_labels: set[str] = set()  # output `source` values of exempt sources' rows
    try:
        offset = 0
        for code, spec in enumerate(ordered_sources(recipe)):  # one source's rows in memory at a time
            for kind in kinds:
                base = gather(layout, selection, spec.name, kind, config)
                if base.is_empty():
                    continue
                if spec.name in config.exempt:
                    exempt_labels.update(base["source"].unique().to_list())
                hashes = row_hashes(base["id"], config.seed, product)
                plan = base_plan(kind, base, hashes, n_formats=n_formats, k=k, origin_code=code)
                plan = plan.with_columns(pl.int_range(offset, offset + plan.height, dtype=pl.UInt64).alias("pos"))
                offset += plan.height
                for start in range(0, plan.height, config.render_chunk_rows):
                    spill.add(render_chunk(plan.slice(start, config.render_chunk_rows), kind, base, config, product))
        writer, stats = ShardWriter(staged, target_schema(product), config), OutputStats(product)
        for rows in spill.sorted_buckets():
            stats.add(rows)
            writer.add(rows)
        spill.remove()
        shards = [s.as_dict() for s in writer.close()]
        manifest = build_manifest(
            product=product,
            recipe=recipe,
            config=config,
            selection_stats={name: st.as_dict() for name, st in selection.stats.items()},
            dedup_drops=selection.dedup_drops.to_dicts(),
            fidelity=fidelity_report(selection.trace, recipe, product).to_dicts(),
            decontamination={
                "enabled": removals is not None,
                "removal_ids": 0 if removals is None else len(removals),
                "rows_removed": sum(st.decontaminated for st in selection.stats.values()),
            },
            upstream=upstream_revisions({s.name: [part_path(layout, s.name, p) for p in kinds] for s in ordered_sources(recipe)}),
            stats=stats,
            shards=shards,
        )
        write_json(manifest, staged / MANIFEST_NAME)
        outcomes = validate(staged, product, removals=removals, exempt=exempt_labels)
        if not all(o.passed for o in outcomes):
            raise MixCheckError(product, outcomes)
        replace_dir(staged, final)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return BuildReport(product, final, manifest, selection, outcomes)

