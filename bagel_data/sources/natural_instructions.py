"""natural_instructions (Muennighoff/natural-instructions train): task definition + instance
input → target. The task name is the row's category, so the mix can stratify by task."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "task_name", "id", "definition", "inputs", "targets")
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty definition", blank(pl.col("definition"))),
            ("malformed: empty inputs", blank(pl.col("inputs"))),
            ("malformed: empty targets", blank(pl.col("targets"))),
        ],
    )
    user = pl.col("definition") + "\n" + pl.col("inputs")
    kept = kept.with_columns(single_turn(user, pl.col("targets")))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx, category=pl.col("task_name")), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
