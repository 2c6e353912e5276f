"""Metadata every asset attaches the same way: row counts, column schema, Markdown previews."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg
import polars as pl
import pyarrow as pa

PREVIEW_ROWS = 5
PREVIEW_CHARS = 120


def column_schema(schema: pa.Schema) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name=f.name, type=str(f.type)) for f in schema])


def preview(table: pa.Table | pl.DataFrame, rows: int = PREVIEW_ROWS) -> dg.MetadataValue:
    """First rows as a Markdown table, long cells cut, newlines shown as ⏎."""
    frame = pl.from_arrow(table) if isinstance(table, pa.Table) else table
    if frame.height == 0:
        return dg.MetadataValue.md("_(no rows)_")
    head = frame.head(rows)
    cells = [[_cell(v) for v in row] for row in head.iter_rows()]
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return dg.MetadataValue.md("\n".join(lines))


def _cell(value) -> str:
    text = str(value) if value is not None else ""
    text = text.replace("\n", "⏎").replace("|", "\\|")
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def counts_table(counts: Mapping[str, int], key: str = "reason") -> dg.MetadataValue:
    """A Markdown two-column table of counts (e.g. rows dropped per reason)."""
    if not counts:
        return dg.MetadataValue.md("_(none)_")
    lines = [f"| {key} | rows |", "|---|---|"] + [f"| {k} | {v} |" for k, v in sorted(counts.items())]
    return dg.MetadataValue.md("\n".join(lines))


def table_metadata(table: pa.Table | pl.DataFrame, schema: pa.Schema | None = None) -> dict:
    """`dagster/row_count`, `dagster/column_schema` and a preview for one table."""
    arrow = table if isinstance(table, pa.Table) else table.to_arrow()
    return {
        "dagster/row_count": arrow.num_rows,
        "dagster/column_schema": column_schema(schema or arrow.schema),
        "preview": preview(arrow),
    }
