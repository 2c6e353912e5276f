"""Build one product (sft or dpo) end to end: select → gather → plan → render chunk by chunk →
shards → manifest → checks, all in a staging folder swapped into `Layout.output(product)` only
when every check passes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bagel_data.mix.checks import CheckOutcome, target_schema, validate
from bagel_data.mix.config import PRODUCTS, MixConfig, mix_config
from bagel_data.mix.manifest import MANIFEST_NAME, OutputStats, build_manifest, upstream_revisions
from bagel_data.mix.plan import base_plan, row_hashes, shuffle
from bagel_data.mix.render import gather, render_chunk
from bagel_data.mix.select import PARTS, Selection, load_removals, ordered_sources, part_path, select_rows
from bagel_data.mix.shards import ShardWriter
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
    layout, config = Layout(home), config or mix_config(recipe)
    removals = load_removals(recipe, layout)
    selection = select_rows(recipe, config, layout, product, removals)
    kinds = PARTS[product]
    bases = {kind: gather(recipe, layout, selection, kind, config) for kind in kinds}
    origin_codes = {spec.name: i for i, spec in enumerate(ordered_sources(recipe))}
    n_formats, k = len(config.formats), config.k(product)
    plans = [
        base_plan(kind, bases[kind], row_hashes(bases[kind]["id"], config.seed, product), n_formats=n_formats, k=k, origin_codes=origin_codes)
        for kind in kinds
    ]
    plan = shuffle(plans)

    final = layout.output(product)
    staged = staging_dir(final)
    try:
        writer, stats = ShardWriter(staged, target_schema(product), config), OutputStats(product)
        for offset in range(0, plan.height, config.render_chunk_rows):
            rows = render_chunk(plan.slice(offset, config.render_chunk_rows), bases, config, product)
            stats.add(rows)
            writer.add(rows)
        shards = [s.as_dict() for s in writer.close()]
        manifest = build_manifest(
            product=product,
            recipe=recipe,
            config=config,
            selection_stats={name: st.as_dict() for name, st in selection.stats.items()},
            dedup_drops=selection.dedup_drops.to_dicts(),
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
        outcomes = validate(staged, product, removals=removals, exempt=config.exempt)
        if not all(o.passed for o in outcomes):
            raise MixCheckError(product, outcomes)
        replace_dir(staged, final)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return BuildReport(product, final, manifest, selection, outcomes)

