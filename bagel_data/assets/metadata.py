"""Metadata every asset attaches the same way: row counts, column schema, previews and count
tables as native Dagster tables (`TableMetadataValue` with a `TableSchema`).

Native tables show inline on the asset page and the UI writes their cells as text, so prompt
tokens such as `<s>`, `</s>`, `[INST]` and `<<SYS>>` stay visible (a Markdown table would render
them as HTML tags and hide them). Long cells are cut and newlines shown as ⏎.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dagster as dg
import polars as pl
import pyarrow as pa

PREVIEW_ROWS = 5
PREVIEW_CHARS = 120
EXAMPLE_CHARS = 400


def column_schema(schema: pa.Schema) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name=f.name, type=str(f.type)) for f in schema])


def cell(value, limit: int = PREVIEW_CHARS) -> str:
    """One preview cell as plain text: newlines as ⏎, a conversation as "role: text" turns,
    cut to `limit` characters."""
    if isinstance(value, list) and value and all(isinstance(t, dict) and "role" in t for t in value):
        value = " ⏎ ".join(f"{t['role']}: {t.get('content', '')}" for t in value)
    text = "" if value is None else str(value)
    text = text.replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(header: Sequence[str], rows: Sequence[Sequence], *, types: Mapping[str, str] | None = None) -> dg.TableMetadataValue:
    """A native table; int and float columns keep their numbers, everything else is text."""
    types = dict(types or {})
    for i, name in enumerate(header):
        if name not in types:
            values = [r[i] for r in rows if r[i] is not None]
            is_int = values and all(isinstance(v, int) and not isinstance(v, bool) for v in values)
            is_num = values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            types[name] = "int" if is_int else "float" if is_num else "string"
    records = [
        dg.TableRecord({n: (v if types[n] in ("int", "float") or v is None else str(v)) for n, v in zip(header, row)})
        for row in rows
    ]
    schema = dg.TableSchema(columns=[dg.TableColumn(name=n, type=types[n]) for n in header])
    return dg.MetadataValue.table(records=records, schema=schema)


def preview(data: pa.Table | pl.DataFrame, rows: int = PREVIEW_ROWS, limit: int = PREVIEW_CHARS) -> dg.TableMetadataValue:
    """The first rows as a native table of text cells (nested values as their Python text)."""
    frame = pl.from_arrow(data) if isinstance(data, pa.Table) else data
    head = frame.head(rows)
    cells = [[cell(v, limit) for v in row] for row in head.iter_rows()]
    return table(head.columns, cells, types={c: "string" for c in head.columns})


def counts_table(counts: Mapping[str, int], key: str = "reason") -> dg.TableMetadataValue:
    """A two-column table of counts (e.g. rows dropped per reason), largest first."""
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return table([key, "rows"], [[k, int(v)] for k, v in rows], types={key: "string", "rows": "int"})

