"""pippa (kingbri/PIPPA-shareGPT, pippa_sharegpt_trimmed.jsonl): character roleplay chats in
ShareGPT form, filtered as bagel did.

- fewer than `min_turns` (3) upstream turns, system included: "filter: too few turns";
- the character speaks first without a (non-blank) system prompt: "filter: starts with the character";
- a character message right after the system prompt is its greeting: it is appended to the
  system prompt as "First message: …" so the chat starts with the user;
- a last user turn nobody answered is trimmed; refusals in the character's turns are dropped;
- a coin per upstream id keeps `keep_probability` (half) of the rest ("filter: sampled out").
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import (
    ROW_KEY,
    Converted,
    SourceContext,
    assistant_text,
    blank,
    coin,
    conversation_checks,
    finish_instructions,
    has_columns,
    reading_rejects,
    refusal_check,
    split_rejects,
)
from bagel_data.sources.chat import sharegpt, trim_unanswered
from bagel_data.sources.dedupe import keep_first_id

FIRST_MESSAGE = "First message: "


def move_greeting(first_message_prefix: str) -> list[pl.Expr]:
    """When a system prompt is followed by the character's turn, fold that turn into the system."""
    conversation = pl.col("conversation")
    greets = pl.col("system").is_not_null() & (conversation.list.first().struct.field("role") == "assistant")
    greeting = conversation.list.first().struct.field("content")
    return [
        pl.when(greets)
        .then(pl.concat_str([pl.col("system").str.strip_chars_end(), pl.lit("\n\n" + first_message_prefix), greeting]))
        .otherwise(pl.col("system"))
        .alias("system"),
        pl.when(greets).then(conversation.list.slice(1)).otherwise(conversation).alias("conversation"),
    ]


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = sharegpt(has_columns(raw.rows, "id"))
    frame = frame.with_columns(pl.when(blank(pl.col("system"))).then(None).otherwise(pl.col("system")).alias("system"))
    upstream_turns = pl.col("conversations").list.len()
    first_role = pl.col("conversation").list.first().struct.field("role")
    frame = frame.with_columns(
        (upstream_turns < int(ctx.options.get("min_turns", 3))).alias("__too_few"),
        (pl.col("system").is_null() & (first_role == "assistant")).alias("__character_first"),
        assistant_text().alias("__character_text"),
    )
    frame = frame.with_columns(move_greeting(str(ctx.options.get("first_message_prefix", FIRST_MESSAGE))))
    frame = frame.with_columns(trim_unanswered().alias("conversation"))
    coin_key = pl.coalesce(pl.col("id").cast(pl.String), pl.col(ROW_KEY))
    frame = frame.with_columns(coin_key.alias("__coin_key"))
    frame = frame.with_columns(coin(frame, ctx, "keep", key="__coin_key").alias("__coin"))
    keep = float(ctx.options.get("keep_probability", 0.5))
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: no conversation", pl.col("conversations").is_null() | (upstream_turns == 0)),
            ("filter: too few turns", pl.col("__too_few")),
            ("filter: starts with the character", pl.col("__character_first")),
            *conversation_checks(),
            *refusal_check(ctx, pl.col("__character_text")),
            ("filter: sampled out", pl.col("__coin") >= keep),
        ],
    )
    instructions, duplicates = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
