"""mmlu (cais/mmlu "all" auxiliary_train): multiple choice → question plus lettered options.

Choices are a list and the answer an index; letters A-G label them. A coin per question picks
the answer style: letter only (with an instruction before the question) or "L text". Rows whose
answer index is not among the choices, or with more choices than letters, are malformed.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, choice_lines, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

LETTERS = ("A", "B", "C", "D", "E", "F", "G")
LETTER_ONLY = "Answer with only the letter of the answer."
_SEP = "\x1f"


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "question", "choices", "answer")
    letters = pl.lit(pl.Series([list(LETTERS)]))
    answer_index = pl.col("answer").cast(pl.Int64, strict=False)
    frame = frame.with_columns(
        pl.when(answer_index.is_between(0, len(LETTERS) - 1)).then(letters.list.get(answer_index, null_on_oob=True)).alias("answer_letter")
    )
    frame = choice_lines(frame, letters.list.head(pl.col("choices").list.len()), pl.col("choices"), pl.col("answer_letter"))
    n_given = pl.col("choices").list.len()
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: choices", pl.col("choices").is_null() | (n_given < 2)),
            ("malformed: more choices than letters", n_given > len(LETTERS)),
            ("malformed: answer index not among choices", blank(pl.col("answer_text"))),
        ],
    )
    # no upstream id: the question and its choices identify the row (stable across modes and shards)
    coin_key = pl.concat_str([pl.col("question"), pl.col("choices").list.join(_SEP)], separator=_SEP)
    kept = kept.with_columns(coin_key.alias("__coin_key"))
    letter_only = coin(kept, ctx, "letter_only", key="__coin_key") < float(ctx.options.get("letter_only_probability", 0.5))
    question = pl.col("question") + "\n" + pl.col("choices_block")
    kept = kept.with_columns(letter_only.alias("__letter")).with_columns(
        single_turn(
            pl.when(pl.col("__letter")).then(pl.lit(LETTER_ONLY + "\n") + question).otherwise(question),
            pl.when(pl.col("__letter")).then(pl.col("answer_letter")).otherwise(pl.col("answer_letter") + " " + pl.col("answer_text")),
        )
    )
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
