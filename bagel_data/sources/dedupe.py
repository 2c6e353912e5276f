"""Keeping ids unique within one finished normalized part: the first row of each id (upstream
order) stays, later ones become rejects with a reason. Ids hash the instruction (or DPO prompt,
or text), so several upstream answers to one instruction collapse into the first of them."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import RAW_CHARS

_PROVENANCE = ("id", "source", "dataset", "revision", "row_key")


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
