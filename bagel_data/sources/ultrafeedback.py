"""ultrafeedback (allenai/ultrafeedback_binarized_cleaned, split train_gen): binarized UltraFeedback
→ DPO pairs from single-exchange rows whose chosen answer scored at least `min_score_chosen`.

`chosen` and `rejected` are [{content, role}] lists: both must be exactly one user turn and one
assistant turn ("filter: not a single exchange" otherwise). The prompt is the row's `prompt`;
empty answers, identical pairs (ignoring case, as the original bagel code) and (recipe switch)
refusals in the chosen answer are dropped.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources import chat
from bagel_data.sources.base import Converted, SourceContext, finish_preferences, has_columns, reading_rejects, role_pattern, split_rejects
from bagel_data.sources.dedupe import keep_first_id
from bagel_data.sources.pairs import DUPLICATE, pair_checks



def typed_turns(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """A message-list column typed even when every row lacks it (read as all-null)."""
    return chat.typed_turns(frame, column, "role", "content")


def answer_text(column: str) -> pl.Expr:
    """Content of the second turn (the assistant's, in a single exchange)."""
    return pl.col(column).list.get(1, null_on_oob=True).struct.field("content")


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = typed_turns(typed_turns(has_columns(raw.rows, "prompt", "chosen", "rejected", "score_chosen"), "chosen"), "rejected")
    min_score = float(ctx.options.get("min_score_chosen", 8))
    score = pl.col("score_chosen").cast(pl.Float64, strict=False)
    single = (role_pattern(pl.col("chosen")) == "ua") & (role_pattern(pl.col("rejected")) == "ua")
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: no chosen or rejected messages", pl.col("chosen").is_null() | pl.col("rejected").is_null()),
            ("malformed: no score_chosen", score.is_null()),
            ("filter: not a single exchange", ~single),
            (f"filter: score_chosen below {min_score:g}", score < min_score),
            *pair_checks(ctx, pl.col("prompt"), answer_text("chosen"), answer_text("rejected")),
            # the original compared the answers ignoring case too
            ("filter: identical pair", answer_text("chosen").str.to_lowercase().str.strip_chars() == answer_text("rejected").str.to_lowercase().str.strip_chars()),
        ],
    )
    kept = kept.select(
        pl.col("__row_key"),
        pl.col("prompt"),
        answer_text("chosen").alias("chosen"),
        answer_text("rejected").alias("rejected"),
    )
    pairs, repeats = keep_first_id(finish_preferences(kept, ctx), DUPLICATE)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        preferences=pairs,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
