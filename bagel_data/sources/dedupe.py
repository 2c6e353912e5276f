"""Keeping ids unique within one finished normalized part.

`keep_first_id`: the first row of each id (upstream order) stays, later ones become rejects with a
reason. Ids hash the instruction (or DPO prompt, or text), so several upstream answers to one
instruction collapse into the first of them.

`keep_repeats`: for sources the original bagel code did not deduplicate (its ids there came from
upstream row ids), repeats stay; each later repeat gets its own id, a hash of the instruction id
and the row key, so ids stay unique per part while the first row keeps the instruction's id.

`dedupe` picks between the two by the source option `dedupe` (the converter gives the default).
"""

from __future__ import annotations

import polars as pl

from bagel_data import ids
from bagel_data.sources.base import RAW_CHARS, SourceContext

_PROVENANCE = ("id", "source", "dataset", "revision", "row_key")
_EMPTY_REJECTS = {"row_key": pl.String, "reason": pl.String, "raw": pl.String}


def keep_first_id(frame: pl.DataFrame, reason: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows whose id is seen for the first time, rejects for the later repeats)."""
    repeat = ~frame["id"].is_first_distinct()
    content = [c for c in frame.columns if c not in _PROVENANCE]
    rejects = frame.filter(repeat).select(
        pl.col("row_key"),
        pl.lit(reason).alias("reason"),
        pl.struct(content).struct.json_encode().str.slice(0, RAW_CHARS).alias("raw"),
    )
    return frame.filter(~repeat), rejects


def keep_repeats(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(every row, repeats re-identified by hash(id, row_key); no rejects)."""
    repeat = ~frame["id"].is_first_distinct()
    if not repeat.any():
        return frame, pl.DataFrame(schema=_EMPTY_REJECTS)
    keys = frame.filter(repeat).select(pl.concat_str([pl.col("id"), pl.col("row_key")], separator="\x1f"))
    fresh = frame["id"].clone().scatter(repeat.arg_true(), ids.text_ids(keys.to_series()))
    return frame.with_columns(fresh.alias("id")), pl.DataFrame(schema=_EMPTY_REJECTS)


def dedupe(frame: pl.DataFrame, ctx: SourceContext, reason: str, default: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`keep_first_id` when the source option `dedupe` (else `default`) is on, else `keep_repeats`."""
    return keep_first_id(frame, reason) if ctx.options.get("dedupe", default) else keep_repeats(frame)
