"""Source converters (one module per upstream dataset) and `build_source`, which runs one
converter and writes its normalized parts. No Dagster here: the asset factory wraps this."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

import polars as pl
import pyarrow as pa

from bagel_data import schema
from bagel_data.recipe import Recipe, SourceSpec
from bagel_data.settings import Settings
from bagel_data.sources.base import Converted, SourceContext
from bagel_data.storage import Layout, write_parquet


def converter_module(spec: SourceSpec) -> ModuleType:
    """The module named by the recipe entry (`module:`, default the source name)."""
    return importlib.import_module(f"bagel_data.sources.{spec.module}")


@dataclass
class SourceResult:
    name: str
    rows_in: int
    rows_out: dict[str, int]  # instructions / preferences / texts
    dropped: dict[str, int]  # reason -> count
    tables: dict[str, pa.Table]  # the written parts, rejects included

    @property
    def total_out(self) -> int:
        return sum(self.rows_out.values())


def _as_table(frame: pl.DataFrame | None, target: pa.Schema, what: str) -> pa.Table:
    return schema.empty(target) if frame is None else schema.conform(frame, target, what)


def run_converter(spec: SourceSpec, recipe: Recipe, settings: Settings) -> tuple[Converted, dict[str, pa.Table]]:
    ctx = SourceContext(spec=spec, recipe=recipe, settings=settings)
    converted = converter_module(spec).convert(ctx)
    tables = {
        "instructions": _as_table(converted.instructions, schema.INSTRUCTION, f"{spec.name} instructions"),
        "preferences": _as_table(converted.preferences, schema.PREFERENCE, f"{spec.name} preferences"),
        "texts": _as_table(converted.texts, schema.TEXT, f"{spec.name} texts"),
        "rejects": schema.conform(converted.all_rejects(spec.name), schema.REJECTS, f"{spec.name} rejects"),
    }
    return converted, tables


def build_source(spec: SourceSpec, recipe: Recipe, settings: Settings) -> SourceResult:
    """Convert one source and write its four normalized Parquet parts atomically."""
    converted, tables = run_converter(spec, recipe, settings)
    layout = Layout(settings.home)
    for part, table in tables.items():
        write_parquet(table, layout.normalized(spec.name, part))
    reasons = pl.from_arrow(tables["rejects"]).group_by("reason").len().sort("reason")
    return SourceResult(
        name=spec.name,
        rows_in=converted.rows_in,
        rows_out={p: tables[p].num_rows for p in ("instructions", "preferences", "texts")},
        dropped=dict(zip(reasons["reason"].to_list(), reasons["len"].to_list())),
        tables=tables,
    )
