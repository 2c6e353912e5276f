"""Conversion shared by the flat preference datasets (one upstream row = one pair: prompt, chosen,
rejected, optional system): malformed and identical-pair checks on the upstream columns, the
recipe's refusal filter on the chosen response, canonical pair rows, and one pair per prompt id."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_preferences, has_columns, reading_rejects, refusal_check, split_rejects
from bagel_data.sources.dedupe import keep_first_id

DUPLICATE = "filter: duplicate prompt"


def pair_checks(ctx: SourceContext, prompt: pl.Expr, chosen: pl.Expr, rejected: pl.Expr) -> list[tuple[str, pl.Expr]]:
    """Empty fields are malformed; identical answers and (when switched on) refusals are filtered."""
    return [
        ("malformed: empty prompt", blank(prompt)),
        ("malformed: empty chosen", blank(chosen)),
        ("malformed: empty rejected", blank(rejected)),
        ("filter: identical pair", chosen.str.strip_chars() == rejected.str.strip_chars()),
        *refusal_check(ctx, chosen),
    ]


def convert_flat_pairs(ctx: SourceContext, prompt: str = "prompt", system: str | None = None) -> Converted:
    """Convert a source whose rows already are pairs; `prompt`/`system` name its upstream columns."""
    raw = ctx.read()
    frame = has_columns(raw.rows, prompt, "chosen", "rejected", *([system] if system else []))
    kept, rejects = split_rejects(frame, pair_checks(ctx, pl.col(prompt), pl.col("chosen"), pl.col("rejected")))
    kept = kept.select(
        pl.col("__row_key"),
        (pl.col(system) if system else pl.lit(None, dtype=pl.String)).alias("system"),
        pl.col(prompt).str.strip_chars().alias("prompt"),
        pl.col("chosen").str.strip_chars(),
        pl.col("rejected").str.strip_chars(),
    )
    pairs, repeats = keep_first_id(finish_preferences(kept, ctx), DUPLICATE)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        preferences=pairs,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
