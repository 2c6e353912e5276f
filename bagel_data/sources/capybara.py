"""capybara (LDJnr/Capybara): each conversation is a list of {input, output} exchanges; every
exchange becomes a user turn and an assistant turn, so multi-turn chats stay multi-turn. The
upstream `source` (the seed dataset of the chat) goes to `category`. As in the original bagel
code, chats are not deduplicated (option `dedupe: true` keeps the first of repeated instructions).
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, conversation_checks, finish_instructions, has_columns, reading_rejects, split_rejects
from bagel_data.sources.chat import typed_turns
from bagel_data.sources.dedupe import dedupe


def exchanges_to_turns(column: str = "conversation") -> pl.Expr:
    """[{input, output}, ...] → [{user, input}, {assistant, output}, ...]."""
    pairs = pl.col(column).list.eval(
        pl.concat_list(
            pl.struct(pl.lit("user").alias("role"), pl.element().struct.field("input").cast(pl.String).alias("content")),
            pl.struct(pl.lit("assistant").alias("role"), pl.element().struct.field("output").cast(pl.String).alias("content")),
        )
    )
    return pairs.list.eval(pl.element().explode()).alias("conversation")


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = typed_turns(has_columns(raw.rows, "source"), "conversation", "input", "output")
    frame = frame.with_columns(exchanges_to_turns())
    kept, rejects = split_rejects(frame, conversation_checks())
    instructions, duplicates = dedupe(finish_instructions(kept, ctx, category=pl.col("source")), ctx, "filter: duplicate instruction", default=False)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
