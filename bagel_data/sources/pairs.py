"""Conversion shared by the flat preference datasets (one upstream row = one pair: prompt, chosen,
rejected, optional system): malformed and identical-pair checks on the upstream columns, the
recipe's refusal filter on the chosen response, canonical pair rows.

As the original bagel code did for orca_dpo_pairs, truthy and toxic: the pair's prompt is the
upstream prompt alone (option `keep_system: true` keeps the upstream system prompt), and pairs
are not deduplicated (option `dedupe: true` keeps one pair per prompt id). `sft=True` (toxic)
also yields each pair's prompt and chosen answer as an SFT row, as the original did.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import (
    Converted,
    SourceContext,
    blank,
    finish_instructions,
    finish_preferences,
    has_columns,
    reading_rejects,
    refusal_check,
    single_turn,
    split_rejects,
)
from bagel_data.sources.dedupe import dedupe

DUPLICATE = "filter: duplicate prompt"


def pair_checks(ctx: SourceContext, prompt: pl.Expr, chosen: pl.Expr, rejected: pl.Expr) -> list[tuple[str, pl.Expr]]:
    """Empty fields are malformed; identical answers (compared exactly, as the original bagel code
    did) and (when switched on) refusals are filtered."""
    return [
        ("malformed: empty prompt", blank(prompt)),
        ("malformed: empty chosen", blank(chosen)),
        ("malformed: empty rejected", blank(rejected)),
        ("filter: identical pair", chosen == rejected),
        *refusal_check(ctx, chosen),
    ]


def convert_flat_pairs(ctx: SourceContext, prompt: str = "prompt", system: str | None = None, sft: bool = False) -> Converted:
    """Convert a source whose rows already are pairs; `prompt`/`system` name its upstream columns."""
    raw = ctx.read()
    system = system if ctx.options.get("keep_system", False) else None
    frame = has_columns(raw.rows, prompt, "chosen", "rejected", *([system] if system else []))
    kept, rejects = split_rejects(frame, pair_checks(ctx, pl.col(prompt), pl.col("chosen"), pl.col("rejected")))
    kept = kept.select(
        pl.col("__row_key"),
        (pl.col(system) if system else pl.lit(None, dtype=pl.String)).alias("system"),
        pl.col(prompt).alias("prompt"),
        pl.col("chosen"),
        pl.col("rejected"),
    )
    pairs, repeats = dedupe(finish_preferences(kept, ctx), ctx, DUPLICATE, default=False)
    instructions = None
    if sft:
        chats = kept.with_columns(single_turn(pl.col("prompt"), pl.col("chosen")))
        instructions, _ = dedupe(finish_instructions(chats, ctx), ctx, "filter: duplicate instruction", default=False)
        instructions = instructions.filter(pl.col("row_key").is_in(pairs["row_key"].implode()))
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        preferences=pairs,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
