"""boolq (google/boolq train): a passage and a yes/no question → "true" or "false".

The answer is the hub's boolean; string labels ("true"/"false", as in SuperGLUE copies) are
accepted too. Rows without a usable answer, passage or question are malformed.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

PROMPT = "Read the passage of text provided below, then answer the question."


def answer_word(frame: pl.DataFrame) -> pl.Expr:
    """"true"/"false" from a boolean answer column, or from "true"/"false" strings; else null."""
    if frame.schema["answer"] == pl.Boolean:
        return pl.col("answer").cast(pl.String)
    word = pl.col("answer").cast(pl.String).str.strip_chars().str.to_lowercase()
    return pl.when(word.is_in(["true", "false"])).then(word)


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "question", "answer", "passage")
    frame = frame.with_columns(answer_word(frame).alias("answer_word"))
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty passage", blank(pl.col("passage"))),
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: answer is not true/false", pl.col("answer_word").is_null()),
        ],
    )
    user = pl.concat_str(
        [pl.lit(PROMPT + "\n\n"), pl.col("passage"), pl.lit("\n\nTrue or false - "), pl.col("question")]
    )
    kept = kept.with_columns(single_turn(user, pl.col("answer_word")))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
