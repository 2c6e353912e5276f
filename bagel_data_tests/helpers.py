"""Test helpers: run one source converter on the samples or on a mirror laid out in a tmp dir."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import polars as pl

from bagel_data.recipe import Recipe, load_recipe
from bagel_data.settings import PROJECT_ROOT, Settings
from bagel_data.sources import run_converter

SHARED = Path(os.environ.get("BAGEL_DATA_SHARED") or PROJECT_ROOT.parent / "shared")
REALDATA = SHARED / "realdata"


def convert(name: str, settings: Settings, recipe: Recipe | None = None, **spec_changes) -> dict[str, pl.DataFrame]:
    """Run source `name`'s converter; return its parts as Polars frames (rejects included).
    `spec_changes` replace fields of the recipe entry (e.g. options={...}, filters={...})."""
    recipe = recipe or load_recipe()
    spec = dataclasses.replace(recipe.sources[name], **spec_changes)
    _, tables = run_converter(spec, recipe, settings)
    return {part: pl.from_arrow(t) for part, t in tables.items()}


def user_text(frame: pl.DataFrame, i: int = 0) -> str:
    return frame["conversation"][i][0]["content"]


def assistant_text(frame: pl.DataFrame, i: int = 0) -> str:
    return frame["conversation"][i][1]["content"]
