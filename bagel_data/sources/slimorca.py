"""slimorca (Open-Orca/SlimOrca-Dedup): ShareGPT conversations (from/value; `weight` dropped),
system prompt kept apart, refusal filter on the responses.

Instructions that airoboros extended into multi-turn chats (its `slimorca_multiturn` category,
read as input `airoboros`) are skipped: a row whose first user turn equals, case- and
whitespace-insensitively, the first user turn of such an airoboros row is a "filter: extended
by airoboros" reject.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import (
    Converted,
    SourceContext,
    assistant_text,
    conversation_checks,
    finish_instructions,
    has_columns,
    reading_rejects,
    refusal_check,
    split_rejects,
)
from bagel_data.sources.chat import sharegpt, text_key, turn_content
from bagel_data.sources.dedupe import keep_first_id

AIROBOROS_INPUT = "airoboros"


def extended_keys(airoboros: pl.DataFrame, category: str) -> pl.DataFrame:
    """Matching keys of the first user turns of airoboros rows in `category`, with a marker."""
    rows = sharegpt(has_columns(airoboros, "category"))
    return (
        rows.filter(pl.col("category").cast(pl.String).str.strip_chars() == category)
        .select(text_key(turn_content(pl.col("conversation"), "user")).alias("__key"))
        .drop_nulls()
        .unique(maintain_order=True)
        .with_columns(pl.lit(True).alias("__extended"))
    )


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    airoboros = ctx.read(AIROBOROS_INPUT)
    keys = extended_keys(airoboros.rows, str(ctx.options.get("extended_category", "slimorca_multiturn")))
    frame = sharegpt(raw.rows)
    frame = (
        frame.with_columns(text_key(turn_content(pl.col("conversation"), "user")).alias("__key"))
        .join(keys, on="__key", how="left", maintain_order="left")
        .drop("__key")
    )
    kept, rejects = split_rejects(
        frame,
        [
            *conversation_checks(),
            ("filter: extended by airoboros", pl.col("__extended").fill_null(False)),
            *refusal_check(ctx, assistant_text()),
        ],
    )
    instructions, duplicates = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
