"""The canonical Arrow schemas every normalized row, reject and output row conforms to."""

from __future__ import annotations

import pyarrow as pa
import polars as pl

TURN = pa.struct([("role", pa.string()), ("content", pa.string())])

# Columns shared by every normalized row: where it came from.
_PROVENANCE = [
    pa.field("id", pa.string(), nullable=False),  # stable hash of the instruction text (ids.py)
    pa.field("source", pa.string(), nullable=False),  # recipe source name, e.g. "airoboros_coding"
    pa.field("dataset", pa.string(), nullable=False),  # upstream dataset id, e.g. "allenai/ai2_arc"
    pa.field("revision", pa.string(), nullable=False),  # upstream revision pinned in the recipe
    pa.field("row_key", pa.string(), nullable=False),  # upstream row key (id column or file:line)
]

INSTRUCTION = pa.schema(
    _PROVENANCE
    + [
        pa.field("category", pa.string()),
        pa.field("system", pa.string()),
        # user/assistant turns only, alternating, starting with user, ending with assistant
        pa.field("conversation", pa.list_(TURN), nullable=False),
    ]
)

PREFERENCE = pa.schema(
    _PROVENANCE
    + [
        pa.field("system", pa.string()),
        pa.field("prompt", pa.string(), nullable=False),
        pa.field("chosen", pa.string(), nullable=False),
        pa.field("rejected", pa.string(), nullable=False),
    ]
)

TEXT = pa.schema(_PROVENANCE + [pa.field("text", pa.string(), nullable=False)])

REJECTS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("row_key", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),  # e.g. "malformed: empty response", "filter: refusal"
        pa.field("raw", pa.string()),  # the offending upstream row as JSON, truncated
    ]
)

SFT_OUTPUT = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("format", pa.string(), nullable=False),
        pa.field("prompt", pa.string(), nullable=False),
        pa.field("completion", pa.string(), nullable=False),
        pa.field("messages", pa.list_(TURN), nullable=False),
    ]
)

DPO_OUTPUT = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("format", pa.string(), nullable=False),
        pa.field("prompt", pa.string(), nullable=False),
        pa.field("chosen", pa.string(), nullable=False),
        pa.field("rejected", pa.string(), nullable=False),
    ]
)

NORMALIZED = {"instructions": INSTRUCTION, "preferences": PREFERENCE, "texts": TEXT}


class SchemaError(ValueError):
    """A table does not match its canonical schema."""


def conform(table: pa.Table | pl.DataFrame, schema: pa.Schema, what: str = "table") -> pa.Table:
    """Return `table` cast to `schema` (columns selected and ordered); raise SchemaError naming
    the missing columns, impossible casts, or nulls in non-nullable columns."""
    if isinstance(table, pl.DataFrame):
        # large_string, not Polars' string views: the cast to string then reuses the text buffer
        # instead of copying every value (~20x cheaper)
        table = table.to_arrow(compat_level=pl.CompatLevel.oldest())
    missing = [n for n in schema.names if n not in table.column_names]
    if missing:
        raise SchemaError(f"{what}: missing columns {missing} (has {table.column_names})")
    columns = []
    for field in schema:
        col = table.column(field.name)
        try:
            col = col.cast(field.type) if col.type != field.type else col
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise SchemaError(f"{what}: column {field.name!r} is {col.type}, not castable to {field.type}: {exc}") from exc
        if not field.nullable and col.null_count:
            raise SchemaError(f"{what}: column {field.name!r} has {col.null_count} nulls")
        columns.append(col)
    return pa.Table.from_arrays(columns, schema=schema)


def empty(schema: pa.Schema) -> pa.Table:
    """A table of no rows; unlike `Schema.empty_table()`, it does not import pandas (0.25 s in a
    fresh step process)."""
    return pa.Table.from_batches([], schema=schema)


def describe(schema: pa.Schema) -> list[tuple[str, str, bool]]:
    """(name, type, nullable) per column, for docs and Dagster column metadata."""
    return [(f.name, str(f.type), f.nullable) for f in schema]
