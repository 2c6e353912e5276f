"""slimorca (Open-Orca/SlimOrca-Dedup): ShareGPT conversations (from/value; `weight` dropped),
system prompt kept apart. The refusal filter reads every turn, system prompt included, as the
original bagel code did (option `refusal_scope: responses` reads the responses only).

Instructions that airoboros extended into multi-turn chats (its `slimorca_multiturn` category,
read as input `airoboros`) are skipped: a row whose first user turn equals, surrounding
whitespace aside (the original's match; option `extended_match: loose` also ignores case and
inner whitespace), the first user turn of such an airoboros row is a "filter: extended by
airoboros" reject. A row's id hashes its user turns without the system prompt, as the original's.
"""

from __future__ import annotations

import polars as pl

from bagel_data import ids
from bagel_data.sources.base import (
    Converted,
    SourceContext,
    conversation_checks,
    finish_instructions,
    has_columns,
    reading_rejects,
    refusal_check,
    split_rejects,
)
from bagel_data.sources.chat import refusal_text, sharegpt, text_key, turn_content
from bagel_data.sources.dedupe import keep_first_id

AIROBOROS_INPUT = "airoboros"


def match_key(text: pl.Expr, mode: str) -> pl.Expr:
    if mode == "exact":
        return text.str.strip_chars()
    if mode == "loose":
        return text_key(text)
    raise ValueError(f"slimorca option extended_match must be 'exact' or 'loose', not {mode!r}")


def extended_keys(airoboros: pl.DataFrame, category: str, mode: str) -> pl.DataFrame:
    """Matching keys of the first user turns of airoboros rows in `category`, with a marker."""
    rows = sharegpt(has_columns(airoboros, "category"))
    return (
        rows.filter(pl.col("category").cast(pl.String).str.strip_chars() == category)
        .select(match_key(turn_content(pl.col("conversation"), "user"), mode).alias("__key"))
        .drop_nulls()
        .unique(maintain_order=True)
        .with_columns(pl.lit(True).alias("__extended"))
    )


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    airoboros = ctx.read(AIROBOROS_INPUT)
    mode = str(ctx.options.get("extended_match", "exact"))
    keys = extended_keys(airoboros.rows, str(ctx.options.get("extended_category", "slimorca_multiturn")), mode)
    frame = sharegpt(raw.rows)
    frame = (
        frame.with_columns(match_key(turn_content(pl.col("conversation"), "user"), mode).alias("__key"))
        .join(keys, on="__key", how="left", maintain_order="left")
        .drop("__key")
    )
    kept, rejects = split_rejects(
        frame,
        [
            *conversation_checks(),
            ("filter: extended by airoboros", pl.col("__extended").fill_null(False)),
            *refusal_check(ctx, refusal_text(str(ctx.options.get("refusal_scope", "all")))),
        ],
    )
    instructions = finish_instructions(kept, ctx)
    # as the original bagel code: the id hashes the user turns only, so a question repeated under
    # another system prompt is one instruction (a duplicate)
    instructions = instructions.with_columns(ids.instruction_ids(instructions["conversation"]).alias("id"))
    instructions, duplicates = keep_first_id(instructions, "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
