"""python_alpaca (Vezora/Tested-22k-Python-Alpaca, train): alpaca-style Python tasks whose code was
tested upstream → instruction and output.

As in the original bagel code the `input` field is not used (option `use_input: true` appends a
non-blank input to the instruction after a newline). The refusal filter and the HumanEval guard
apply (both on the output).
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, refusal_check, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id
from bagel_data.sources.guards import humaneval_check


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "instruction", "input", "output")
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty instruction", blank(pl.col("instruction"))),
            ("malformed: empty output", blank(pl.col("output"))),
            *refusal_check(ctx, pl.col("output")),
            *humaneval_check(ctx, pl.col("output")),
        ],
    )
    instruction = pl.col("instruction")
    user = instruction
    if ctx.options.get("use_input", False):
        user = pl.when(blank(pl.col("input"))).then(instruction).otherwise(instruction + "\n" + pl.col("input").cast(pl.String))
    kept = kept.with_columns(single_turn(user, pl.col("output")))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
