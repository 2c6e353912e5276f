"""ai2_arc (ARC-Challenge train): multiple choice → question plus lettered options.

A coin per upstream id picks the answer style: letter only (with an instruction saying so) or
"L text". Rows whose answer key is not among the labels are malformed.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.dedupe import keep_first_id
from bagel_data.sources.base import Converted, SourceContext, blank, choice_lines, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects

LETTER_ONLY = "Only output the letter of the correct answer."


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "id", "question", "choices", "answerKey")
    frame = choice_lines(
        frame,
        pl.col("choices").struct.field("label"),
        pl.col("choices").struct.field("text"),
        pl.col("answerKey"),
    )
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: choices", pl.col("n_choices").is_null() | (pl.col("n_choices") < 2)),
            ("malformed: answer key not among labels", pl.col("answer_text").is_null()),
        ],
    )
    key = pl.coalesce(pl.col("id").cast(pl.String), pl.col("__row_key"))
    kept = kept.with_columns(key.alias("__coin_key"))
    letter_only = coin(kept, ctx, "letter_only", key="__coin_key") < float(ctx.options.get("letter_only_probability", 0.5))
    question = pl.col("question").str.strip_chars() + "\n" + pl.col("choices_block")
    answer_key = pl.col("answerKey").str.strip_chars()
    kept = kept.with_columns(letter_only.alias("__letter")).with_columns(
        single_turn(
            pl.when(pl.col("__letter")).then(question + "\n" + pl.lit(LETTER_ONLY)).otherwise(question),
            pl.when(pl.col("__letter")).then(answer_key).otherwise(answer_key + " " + pl.col("answer_text")),
        )
    )
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
