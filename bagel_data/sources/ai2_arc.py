"""ai2_arc (ARC-Challenge train): multiple choice → question plus lettered options.

A coin per upstream id picks the answer style: letter only (with an instruction saying so, in
the original's words "Only output the the letter of the correct answer.", option
`letter_only_instruction`) or "L text". Rows whose answer key is not among the labels, or whose labels repeat (the answer
would be ambiguous), are malformed. `convert_choices` is shared with openbookqa, which has the
same fields under another stem column.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, choice_lines, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

LETTER_ONLY = "Only output the the letter of the correct answer."  # the original's words, "the the" included


def letter_only_instruction(ctx: SourceContext) -> str:
    """The sentence appended for letter-only answers (option `letter_only_instruction`)."""
    return str(ctx.options.get("letter_only_instruction", LETTER_ONLY))


def convert_choices(ctx: SourceContext, stem: str) -> Converted:
    """Rows with `id`, `<stem>`, `choices{text[], label[]}`, `answerKey` → instructions."""
    raw = ctx.read()
    frame = has_columns(raw.rows, "id", stem, "choices", "answerKey")
    labels = pl.col("choices").struct.field("label").list.eval(pl.element().str.strip_chars())
    frame = choice_lines(frame, pl.col("choices").struct.field("label"), pl.col("choices").struct.field("text"), pl.col("answerKey"))
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty question", blank(pl.col(stem))),
            ("malformed: choices", pl.col("n_choices").is_null() | (pl.col("n_choices") < 2)),
            ("malformed: duplicate choice labels", labels.list.n_unique() != labels.list.len()),
            ("malformed: answer key not among labels", blank(pl.col("answer_text"))),
        ],
    )
    kept = kept.with_columns(pl.coalesce(pl.col("id").cast(pl.String), pl.col("__row_key")).alias("__coin_key"))
    letter_only = coin(kept, ctx, "letter_only", key="__coin_key") < float(ctx.options.get("letter_only_probability", 0.5))
    question = pl.col(stem) + "\n" + pl.col("choices_block")
    answer_key = pl.col("answerKey")
    kept = kept.with_columns(letter_only.alias("__letter")).with_columns(
        single_turn(
            pl.when(pl.col("__letter")).then(question + "\n" + pl.lit(letter_only_instruction(ctx))).otherwise(question),
            pl.when(pl.col("__letter")).then(answer_key).otherwise(answer_key + " " + pl.col("answer_text")),
        )
    )
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )


def convert(ctx: SourceContext) -> Converted:
    return convert_choices(ctx, "question")
