"""winogrande (allenai/winogrande winogrande_xl train): the sentence with its "_" blank → the
option that fills it. Answers other than "1"/"2" (the hub's "" in test) are malformed."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "sentence", "option1", "option2", "answer")
    answer = pl.col("answer").cast(pl.String).str.strip_chars()
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty sentence", blank(pl.col("sentence"))),
            ("malformed: empty option", blank(pl.col("option1")) | blank(pl.col("option2"))),
            ("malformed: answer not 1/2", ~answer.is_in(["1", "2"])),
        ],
    )
    chosen = pl.when(answer == "1").then(pl.col("option1")).otherwise(pl.col("option2"))
    kept = kept.with_columns(single_turn(pl.col("sentence"), chosen))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
