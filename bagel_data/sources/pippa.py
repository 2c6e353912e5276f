"""pippa (kingbri/PIPPA-shareGPT, pippa_sharegpt_trimmed.jsonl): character roleplay chats in
ShareGPT form, filtered as the original bagel code did.

- fewer than `min_turns` (3) upstream turns, system included: "filter: too few turns";
- the refusal filter reads every turn, system prompt included (option `refusal_scope`: `all`,
  or `responses` for the character's turns only);
- a character message right after the system turn is its greeting, moved into the system turn as
  "First message: …". Option `greeting`: `replace` (the original: the greeting *replaces* the
  persona) or `append` (persona, a blank line, then the greeting);
- the character speaking first without a system turn: "filter: starts with the character";
- a chat ending on a user turn is dropped whole, "filter: ends on a user turn", as the original's
  expansion did (option `trim_unanswered: true` trims that turn instead);
- a coin per upstream id keeps `keep_probability` (half) of the rest ("filter: sampled out");
- no deduplication (the original keyed pippa rows by their upstream ids; option `dedupe: true`
  keeps the first of repeated instructions).
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import (
    ROW_KEY,
    Converted,
    SourceContext,
    blank,
    coin,
    conversation_checks,
    finish_instructions,
    has_columns,
    reading_rejects,
    refusal_check,
    split_rejects,
)
from bagel_data.sources.chat import refusal_text, sharegpt, unanswered
from bagel_data.sources.dedupe import dedupe

FIRST_MESSAGE = "First message: "


def move_greeting(first_message_prefix: str, mode: str) -> list[pl.Expr]:
    """When a system turn is followed by the character's turn, fold that turn into the system."""
    if mode not in ("replace", "append"):
        raise ValueError(f"pippa option greeting must be 'replace' or 'append', not {mode!r}")
    conversation = pl.col("conversation")
    greets = pl.col("__has_system") & (conversation.list.first().struct.field("role") == "assistant")
    greeting = pl.lit(first_message_prefix) + conversation.list.first().struct.field("content")
    if mode == "replace":
        system = greeting
    else:
        system = pl.when(blank(pl.col("system"))).then(greeting).otherwise(pl.col("system").str.strip_chars_end() + "\n\n" + greeting)
    return [
        pl.when(greets).then(system).otherwise(pl.col("system")).alias("system"),
        pl.when(greets).then(conversation.list.slice(1)).otherwise(conversation).alias("conversation"),
    ]


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = sharegpt(has_columns(raw.rows, "id"))
    upstream_turns = pl.col("conversations").list.len()
    first_role = pl.col("conversation").list.first().struct.field("role")
    frame = frame.with_columns(
        pl.col("system").is_not_null().alias("__has_system"),
        (upstream_turns < int(ctx.options.get("min_turns", 3))).alias("__too_few"),
        refusal_text(str(ctx.options.get("refusal_scope", "all"))).alias("__refusal_text"),
    )
    frame = frame.with_columns((~pl.col("__has_system") & (first_role == "assistant")).alias("__character_first"))
    frame = frame.with_columns(move_greeting(str(ctx.options.get("first_message_prefix", FIRST_MESSAGE)), str(ctx.options.get("greeting", "replace"))))
    frame, unanswered_checks = unanswered(frame, bool(ctx.options.get("trim_unanswered", False)))
    coin_key = pl.coalesce(pl.col("id").cast(pl.String), pl.col(ROW_KEY))
    frame = frame.with_columns(coin_key.alias("__coin_key"))
    frame = frame.with_columns(coin(frame, ctx, "keep", key="__coin_key").alias("__coin"))
    keep = float(ctx.options.get("keep_probability", 0.5))
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: no conversation", pl.col("conversations").is_null() | (upstream_turns == 0)),
            ("filter: too few turns", pl.col("__too_few")),
            *refusal_check(ctx, pl.col("__refusal_text")),
            ("filter: starts with the character", pl.col("__character_first")),
            ("filter: sampled out", pl.col("__coin") >= keep),
            *unanswered_checks,
            *conversation_checks(),
        ],
    )
    instructions, duplicates = dedupe(finish_instructions(kept, ctx), ctx, "filter: duplicate instruction", default=False)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
