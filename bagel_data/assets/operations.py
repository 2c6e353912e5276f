"""Dagster wiring for the operations domain (placeholder until implemented)."""

from __future__ import annotations

import dagster as dg

from bagel_data.recipe import Recipe


def build_defs(recipe: Recipe) -> dg.Definitions:
    return dg.Definitions()
