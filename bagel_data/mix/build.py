"""Build one product (sft or dpo) end to end: select → per source: its planned part (`parts`:
reused from the cache when its rows did not change) → key-range buckets rendered from every
part's source rows in key order (`render.BucketRenderer`; a bucket whose rows did not change
keeps its live shard) → shards → manifest → checks, all in a staging folder swapped into
`Layout.output(product)` only when every check passes, under the output's write lock (one writer
per output; none while a CLI build holds the data home).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from bagel_data.locks import write_lock
from bagel_data.mix.checks import CheckOutcome, ContentChecks, target_schema, validate
from bagel_data.mix.config import PRODUCTS, MixConfig, mix_config
from bagel_data.mix.manifest import MANIFEST_NAME, OutputStats, build_manifest, upstream_revisions
from bagel_data.mix.parts import PartJob, PartReader, part_dir, plan_parts, prune
from bagel_data.mix.render import BucketRenderer
from bagel_data.mix.select import PARTS, Selection, fidelity_report, load_removals, ordered_sources, part_path, select_rows
from bagel_data.mix.shards import ShardWriter
from bagel_data.mix.merge import merge_by_key_range, merge_streamed, prune_measurements
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
    cache = part_dir(layout, product)
    removals = load_removals(recipe, layout)
    selection = select_rows(recipe, config, layout, product, removals)
    kinds = PARTS[product]
    k = config.k(product)
    final = layout.output(product)
    staged = staging_dir(final)
    jobs = part_jobs(layout, selection, recipe, config, product, kinds, k)
    records = sum(j.records for j in jobs)
    exempt_labels: set[str] = set()  # output `source` values of exempt sources' rows
    readers: list[PartReader] = []
    try:
        readers = plan_parts(jobs, cache, config.workers)
        prune(cache, {r.meta["fingerprint"] for r in readers})
        for job, reader in zip(jobs, readers):
            if job.source in config.exempt:
                exempt_labels.update(reader.meta["labels"])
        renderer = BucketRenderer(readers, config, product, config.workers)
        writer, stats = ShardWriter(staged, target_schema(product), config), OutputStats(product)
        content = ContentChecks(product, removals=removals, exempt=exempt_labels)
        digests = None
        try:
            if config.rows_per_shard:
                digests = merge_by_key_range(renderer, records, writer, stats, content, config, product, final, cache)
            else:
                merge_streamed(renderer, records, writer, stats, content, config)
        except BaseException:
            writer.abort()
            raise
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
        outcomes = validate(staged, product, removals=removals, exempt=exempt_labels, content=content, hashed=writer.written)
        if not all(o.passed for o in outcomes):
            raise MixCheckError(product, outcomes)
        replace_dir(staged, final)
        if digests is not None:
            prune_measurements(cache, digests)
    finally:
        for reader in readers:
            reader.close()
        shutil.rmtree(staged, ignore_errors=True)
    return BuildReport(product, final, manifest, selection, outcomes)



def part_jobs(layout: Layout, selection: Selection, recipe: Recipe, config: MixConfig, product: str, kinds: tuple[str, ...], k: int) -> list[PartJob]:
    """One render job per (source, kind) with selected rows, in priority order."""
    jobs = []
    grouped = selection.rows.group_by("origin", "part").agg(pl.col("row").sort(), pl.col("turns").sum())
    by_key = {(o, p): (rows, turns) for o, p, rows, turns in grouped.iter_rows()}
    for code, spec in enumerate(ordered_sources(recipe)):
        for kind in kinds:
            if (spec.name, kind) not in by_key:
                continue
            rows, turns = by_key[(spec.name, kind)]
            records = int(turns) * (1 if kind == "texts" else k)
            jobs.append(PartJob(str(layout.home), product, spec.name, kind, code, np.asarray(rows, dtype=np.uint32), records, config))
    return jobs
