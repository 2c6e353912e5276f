"""Source converters (one module per upstream dataset) and `build_source`, which runs one
converter and writes its normalized parts. No Dagster here: the asset factory wraps this.

A converter that fails, or whose input had records but yields no rows and no rejects, or none but
malformed rejects, fails its source with one `SourceError` line naming the source, the files read
and the mode (a damaged file already fails earlier, in the reading layer, with a `ReadError`)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

import polars as pl
import pyarrow as pa

from bagel_data import schema
from bagel_data.reading import ReadError
from bagel_data.reading.core import one_line, track_reads
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


_SHAPE_ERRORS = (pl.exceptions.SchemaError, pl.exceptions.InvalidOperationError, pl.exceptions.StructFieldNotFoundError, pl.exceptions.ColumnNotFoundError)


class SourceError(ReadError):
    """A source's input cannot be turned into rows; one line naming source, files and mode."""


def _files(files: list[str], limit: int = 3) -> str:
    shown = ", ".join(files[:limit]) + (f" and {len(files) - limit} more" if len(files) > limit else "")
    return shown or "no files"


def convert_unchecked(spec: SourceSpec, recipe: Recipe, settings: Settings) -> tuple[Converted, dict[str, pa.Table], list[str]]:
    """Run the converter and conform its parts; any failure becomes one ReadError/SourceError
    line. Also returns the files read. Does not check the yield (see `run_converter`)."""
    ctx = SourceContext(spec=spec, recipe=recipe, settings=settings)
    with track_reads() as files:
        try:
            converted = converter_module(spec).convert(ctx)
            tables = {
                "instructions": _as_table(converted.instructions, schema.INSTRUCTION, f"{spec.name} instructions"),
                "preferences": _as_table(converted.preferences, schema.PREFERENCE, f"{spec.name} preferences"),
                "texts": _as_table(converted.texts, schema.TEXT, f"{spec.name} texts"),
                "rejects": schema.conform(converted.all_rejects(spec.name), schema.REJECTS, f"{spec.name} rejects"),
            }
        except ReadError:
            raise
        except BaseException as exc:  # noqa: BLE001 - reported as one line naming source, files and mode
            if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":  # a Rust panic in Polars, not Ctrl-C
                raise
            shape = " (its records lack the fields, or the field types, this converter expects)" if isinstance(exc, _SHAPE_ERRORS) else ""
            raise SourceError(f"source {spec.name}: cannot convert {_files(files)} (mode {settings.mode}){shape}: {one_line(exc)}") from exc
    return converted, tables, files


def _check_yield(name: str, converted: Converted, tables: dict[str, pa.Table], files: list[str], mode: str) -> None:
    """Input that had records must give rows, or rejects that are not all malformed."""
    out = sum(tables[p].num_rows for p in ("instructions", "preferences", "texts"))
    if out:
        return
    where = f"{_files(files)} (mode {mode})"
    rejects = pl.from_arrow(tables["rejects"].select(["reason"]))
    if not rejects.height:
        read = f"{converted.rows_in} records" if converted.rows_in else "no records"
        raise SourceError(f"source {name}: read {read} from {where} but produced no rows and no rejects")
    malformed = rejects.filter(pl.col("reason").str.starts_with("malformed:"))
    if malformed.height == rejects.height:
        top = malformed.group_by("reason").len().sort(["len", "reason"], descending=[True, False]).row(0)
        raise SourceError(f"source {name}: every one of its {rejects.height} records in {where} is malformed (most: {top[0]!r} x{top[1]})")


def run_converter(spec: SourceSpec, recipe: Recipe, settings: Settings) -> tuple[Converted, dict[str, pa.Table]]:
    """Convert one source; a source that yields nothing usable fails (see the module doc)."""
    converted, tables, files = convert_unchecked(spec, recipe, settings)
    _check_yield(spec.name, converted, tables, files, settings.mode)
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
