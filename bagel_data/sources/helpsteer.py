"""helpsteer (nvidia/HelpSteer, train): several responses per prompt, each rated 0-4 on helpfulness,
correctness, coherence, complexity and verbosity → one DPO pair per prompt.

Responses are grouped by prompt (surrounding whitespace ignored) and ranked by the sum of the
recipe's `score_fields`; ties are broken by a coin per upstream row. The best response is chosen
when its correctness equals `chosen_correctness`, the lowest-ranked one is rejected when it scores
strictly lower. Every upstream row ends up in a pair or in rejects: rows of a prompt that yields no
pair carry that prompt's reason, and the middle responses of a paired prompt are "filter: unpaired
response". Refusals (recipe switch) in the chosen response and identical pairs are dropped.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import ROW_KEY, Converted, SourceContext, blank, coin, finish_preferences, has_columns, raw_json, reading_rejects, refusal_check, split_rejects
from bagel_data.sources.dedupe import keep_first_id
from bagel_data.sources.pairs import DUPLICATE

DEFAULT_FIELDS = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
UNPAIRED = "filter: unpaired response"


def first_failing(checks: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """The reason of the first failing check (null counts as failing), else null."""
    reason = pl.lit(None, dtype=pl.String)
    for text, bad in reversed(checks):
        reason = pl.when(bad.fill_null(True)).then(pl.lit(text)).otherwise(reason)
    return reason


def ranked_groups(rows: pl.DataFrame, ctx: SourceContext, fields: list[str]) -> pl.DataFrame:
    """One row per prompt: member keys, responses, scores, correctness and raw rows, best first."""
    scored = rows.with_columns(
        pl.col("prompt").str.strip_chars().alias("__prompt"),
        pl.sum_horizontal([pl.col(f).cast(pl.Int64, strict=False) for f in fields]).alias("__score"),
        pl.col("correctness").cast(pl.Int64, strict=False).alias("__correctness"),
        coin(rows, ctx, "tie").alias("__coin"),
        raw_json().alias("__raw"),
    )
    rank = [pl.col("__score"), pl.col("__coin")]
    members = ["response", "__score", "__correctness", ROW_KEY, "__raw"]
    return scored.group_by("__prompt", maintain_order=True).agg(
        pl.len().alias("__n"),
        *[pl.col(c).sort_by(rank, descending=[True, False]).alias(c) for c in members],
    )


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    fields = list(ctx.options.get("score_fields", DEFAULT_FIELDS))
    frame = has_columns(raw.rows, "prompt", "response", "correctness", *fields)
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty prompt", blank(pl.col("prompt"))),
            ("malformed: empty response", blank(pl.col("response"))),
            *[(f"malformed: {f} not an integer", pl.col(f).cast(pl.Int64, strict=False).is_null()) for f in dict.fromkeys(["correctness", *fields])],
        ],
    )
    groups = ranked_groups(kept, ctx, fields).with_columns(
        pl.col("response").list.first().str.strip_chars().alias("chosen"),
        pl.col("response").list.last().str.strip_chars().alias("rejected"),
    )
    groups = groups.with_columns(
        first_failing(
            [
                ("filter: fewer than 2 responses", pl.col("__n") < 2),
                ("filter: best response not fully correct", pl.col("__correctness").list.first() != int(ctx.options.get("chosen_correctness", 4))),
                ("filter: no lower-scoring response", pl.col("__score").list.last() >= pl.col("__score").list.first()),
                *refusal_check(ctx, pl.col("chosen")),
                ("filter: identical pair", pl.col("chosen") == pl.col("rejected")),
            ]
        ).alias("__reason")
    )
    paired = groups.filter(pl.col("__reason").is_null())
    dropped = groups.filter(pl.col("__reason").is_not_null()).select(ROW_KEY, "__raw", "__reason").explode(ROW_KEY, "__raw")
    middle = paired.select(pl.col(ROW_KEY).list.slice(1, pl.col("__n") - 2), pl.col("__raw").list.slice(1, pl.col("__n") - 2), pl.lit(UNPAIRED).alias("__reason"))
    group_rejects = pl.concat([dropped, middle.explode(ROW_KEY, "__raw")]).select(
        pl.col(ROW_KEY).alias("row_key"), pl.col("__reason").alias("reason"), pl.col("__raw").alias("raw")
    )
    pairs = paired.select(pl.col(ROW_KEY).list.first().alias(ROW_KEY), pl.col("__prompt").alias("prompt"), "chosen", "rejected")
    pairs, repeats = keep_first_id(finish_preferences(pairs, ctx), DUPLICATE)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        preferences=pairs,
        rejects=[reading_rejects(raw), rejects, group_rejects, repeats],
    )
