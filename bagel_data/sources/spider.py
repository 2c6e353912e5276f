"""spider (xlangai/spider, config spider, train): text-to-SQL → "Write a SQL query for the
following:" + the question, answered by the gold query. The database id goes to `category`."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

DEFAULT_PREFIX = "Write a SQL query for the following:\n"


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "db_id", "question", "query")
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: empty query", blank(pl.col("query"))),
        ],
    )
    prefix = str(ctx.options.get("prompt_prefix", DEFAULT_PREFIX))
    kept = kept.with_columns(single_turn(pl.lit(prefix) + pl.col("question"), pl.col("query")))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx, category=pl.col("db_id")), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
