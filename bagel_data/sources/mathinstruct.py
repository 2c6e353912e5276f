"""mathinstruct (TIGER-Lab/MathInstruct train): instruction → output. The `source` sub-dataset
(data/CoT/gsm_rft.json, data/PoT/mathqa.json, ...) is the row's category, for stratified sampling;
a row without one is malformed, since it could not be stratified."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "source", "instruction", "output")
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty instruction", blank(pl.col("instruction"))),
            ("malformed: empty output", blank(pl.col("output"))),
            ("malformed: no source", blank(pl.col("source"))),
        ],
    )
    kept = kept.with_columns(single_turn(pl.col("instruction"), pl.col("output")))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx, category=pl.col("source").str.strip_chars()), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
