"""airoboros (jondurbin/airoboros-3.2): ShareGPT conversations kept as they are, each row's
source named `airoboros_<category>`; plus the "airoboros rewrites" DPO pairs.

Rewrites: an item of a rewritten category (writing, roleplay) whose first instruction equals,
lowercased and stripped as the original bagel code compared them (option `rewrite_match: loose`
also ignores inner whitespace), an instruction of the same categories in the older
`jondurbin/airoboros-gpt4-m2.0` instructions.jsonl (input `gpt4_m2`) gives a pair when its new
response is longer: new response chosen, old one rejected. The item stays an SFT row as well.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import (
    Converted,
    SourceContext,
    blank,
    conversation_checks,
    finish_instructions,
    finish_preferences,
    has_columns,
    preference_checks,
    reading_rejects,
    split_rejects,
)
from bagel_data.sources.chat import sharegpt, text_key, turn_content
from bagel_data.sources.dedupe import keep_first_id

OLD_INPUT = "gpt4_m2"
SOURCE_PREFIX = "airoboros_"
DUPLICATE_PROMPT = "filter: duplicate prompt"


def source_name() -> pl.Expr:
    return pl.lit(SOURCE_PREFIX) + pl.col("category").cast(pl.String).str.strip_chars()


def match_key(text: pl.Expr, mode: str) -> pl.Expr:
    if mode == "exact":
        return text.str.to_lowercase().str.strip_chars()
    if mode == "loose":
        return text_key(text)
    raise ValueError(f"airoboros option rewrite_match must be 'exact' or 'loose', not {mode!r}")


def rewrite_pairs(items: pl.DataFrame, old: pl.DataFrame, categories: list[str], mode: str = "exact") -> pl.DataFrame:
    """Rows (with `category`, `conversation`) → prompt/chosen/rejected where the old dataset
    answered the same first instruction with a shorter response."""
    new = items.filter(pl.col("category").str.strip_chars().is_in(categories)).with_columns(
        turn_content(pl.col("conversation"), "user").alias("prompt"),
        turn_content(pl.col("conversation"), "assistant").alias("chosen"),
    )
    old = (
        has_columns(old, "instruction", "response", "category")
        .filter(pl.col("category").cast(pl.String).str.strip_chars().is_in(categories) & pl.col("instruction").is_not_null())
        .select(match_key(pl.col("instruction").cast(pl.String), mode).alias("__key"), pl.col("response").cast(pl.String).alias("rejected"))
        .unique("__key", keep="last", maintain_order=True)
    )
    joined = new.with_columns(match_key(pl.col("prompt"), mode).alias("__key")).join(old, on="__key", how="inner", maintain_order="left")
    return joined.filter(pl.col("chosen").str.len_chars() > pl.col("rejected").fill_null("").str.len_chars()).drop("__key")


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    old = ctx.read(OLD_INPUT)
    frame = sharegpt(has_columns(raw.rows, "category").with_columns(pl.col("category").cast(pl.String)))
    kept, rejects = split_rejects(frame, [("malformed: missing category", blank(pl.col("category"))), *conversation_checks()])
    rows = finish_instructions(kept, ctx, source=source_name(), category=pl.col("category").str.strip_chars())
    instructions, duplicates = keep_first_id(rows, "filter: duplicate instruction")

    categories = [str(c) for c in ctx.options.get("rewrite_categories", ["writing", "roleplay"])]
    pairs, bad_pairs = split_rejects(rewrite_pairs(kept, old.rows, categories, str(ctx.options.get("rewrite_match", "exact"))), preference_checks())
    preferences, duplicate_pairs = keep_first_id(finish_preferences(pairs.drop("system"), ctx, source=source_name()), DUPLICATE_PROMPT)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        preferences=preferences,
        rejects=[reading_rejects(raw), rejects, duplicates, reading_rejects(old), bad_pairs, duplicate_pairs],
    )
