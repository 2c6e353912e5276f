"""The Dagster code location: every asset, check, schedule and sensor built from the recipe."""

from __future__ import annotations

import dagster as dg

from bagel_data.assets import catalog, decontam, mix, operations, sources
from bagel_data.assets.resources import default_bagel_resource
from bagel_data.recipe import Recipe, load_recipe


def build_definitions(recipe: Recipe | None = None) -> dg.Definitions:
    recipe = recipe or load_recipe()
    merged = dg.Definitions.merge(
        sources.build_defs(recipe),
        decontam.build_defs(recipe),
        mix.build_defs(recipe),
        catalog.build_defs(recipe),
        operations.build_defs(recipe),
        dg.Definitions(resources={"bagel": default_bagel_resource()}),
    )
    return operations.wire(merged, recipe)  # upstream deps, catalog deps, eager automation


defs = build_definitions()
