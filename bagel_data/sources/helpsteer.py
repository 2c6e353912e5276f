"""helpsteer (nvidia/HelpSteer, train): several responses per prompt, each rated 0-4 on helpfulness,
correctness, coherence, complexity and verbosity → one DPO pair per prompt, by the original bagel
code's rule.

Responses that are refusals (recipe switch, read on every response before pairing) are dropped
first. Responses are then grouped by their exact prompt; a prompt needs at least 2. Walking a
prompt's responses in upstream order, with score = the sum of the recipe's `score_fields` and
"correct" = correctness equal to `chosen_correctness` (4):
- the first correct response is chosen, and the first response that is not correct is rejected;
- but if a later correct response scores strictly higher than that first one, it is chosen
  instead and the first correct one is rejected (the walk stops there).
No correct response, nothing to reject, or chosen and rejected texts equal: no pair. Every
upstream row ends up in a pair or in rejects: rows of a prompt without a pair carry that prompt's
reason, the other responses of a paired prompt are "filter: unpaired response".
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import ROW_KEY, Converted, SourceContext, blank, finish_preferences, has_columns, raw_json, reading_rejects, refusal_check, split_rejects
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


def pick_pairs(rows: pl.DataFrame, fields: list[str], correct: int) -> pl.DataFrame:
    """Per row: `__chosen_i` / `__rejected_i`, the row indexes its prompt's rule picks (null if none),
    and `__n`, the prompt's number of responses. Rows keep their order."""
    group = "prompt"
    i, score = pl.col("__i"), pl.col("__score")
    ok = pl.col("__correct")
    scored = rows.with_row_index("__i").with_columns(
        pl.sum_horizontal([pl.col(f).cast(pl.Int64, strict=False) for f in fields]).alias("__score"),
        (pl.col("correctness").cast(pl.Int64, strict=False) == correct).alias("__correct"),
    )
    scored = scored.with_columns(pl.len().over(group).alias("__n"), i.filter(ok).min().over(group).alias("__first_ok"))
    scored = scored.with_columns(score.filter(i == pl.col("__first_ok")).first().over(group).alias("__first_ok_score"))
    better = ok & (i > pl.col("__first_ok")) & (score > pl.col("__first_ok_score"))
    scored = scored.with_columns(i.filter(better).min().over(group).alias("__better"), i.filter(~ok).min().over(group).alias("__first_wrong"))
    return scored.with_columns(
        pl.coalesce("__better", "__first_ok").alias("__chosen_i"),
        pl.when(pl.col("__better").is_not_null()).then(pl.col("__first_ok")).otherwise(pl.col("__first_wrong")).alias("__rejected_i"),
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
            *refusal_check(ctx, pl.col("response")),
        ],
    )
    rows = pick_pairs(kept.with_columns(raw_json().alias("__raw")), fields, int(ctx.options.get("chosen_correctness", 4)))
    rows = rows.with_columns(  # __i is the row's index in `rows`, so a picked index gathers its response
        pl.col("response").gather(pl.col("__chosen_i")).alias("chosen"),
        pl.col("response").gather(pl.col("__rejected_i")).alias("rejected"),
    )
    rows = rows.with_columns(
        first_failing(
            [
                ("filter: fewer than 2 responses", pl.col("__n") < 2),
                ("filter: no fully correct response", pl.col("__chosen_i").is_null()),
                ("filter: no response to reject", pl.col("__rejected_i").is_null()),
                ("filter: identical pair", pl.col("chosen") == pl.col("rejected")),
            ]
        ).alias("__reason")
    )
    member = (pl.col("__i") == pl.col("__chosen_i")) | (pl.col("__i") == pl.col("__rejected_i"))
    reason = pl.coalesce(pl.col("__reason"), pl.when(~member).then(pl.lit(UNPAIRED)))
    group_rejects = rows.filter(reason.is_not_null()).select(pl.col(ROW_KEY).alias("row_key"), reason.alias("reason"), pl.col("__raw").alias("raw"))
    paired = rows.filter(pl.col("__reason").is_null() & (pl.col("__i") == pl.col("__chosen_i")))
    pairs = paired.select(
        pl.col(ROW_KEY),
        pl.col("prompt"),  # texts as upstream gives them, as the original
        pl.col("chosen"),
        pl.col("rejected"),
    )
    pairs, repeats = keep_first_id(finish_preferences(pairs, ctx), DUPLICATE)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        preferences=pairs,
        rejects=[reading_rejects(raw), rejects, group_rejects, repeats],
    )
