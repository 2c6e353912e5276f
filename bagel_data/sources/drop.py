"""drop (ucinlp/drop train): passage and question → the answer spans joined by ", ".

A coin per query id orders the two (passage first with `passage_first_probability`), and every
row gets the brief-answer system prompt. Rows without a non-blank span are malformed.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

SYSTEM = "You are a helpful assistant who answers as briefly as possible."


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "query_id", "passage", "question", "answers_spans")
    spans = pl.col("answers_spans").struct.field("spans")
    # the answer is the spans joined as upstream gives them; a row with no non-blank span is malformed
    frame = frame.with_columns(spans.list.join(", ").alias("answer"), spans.list.eval(blank(pl.element())).list.all().alias("__no_spans"))
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty passage", blank(pl.col("passage"))),
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: no answer spans", pl.col("__no_spans")),
        ],
    )
    kept = kept.with_columns(pl.coalesce(pl.col("query_id").cast(pl.String), pl.col("__row_key")).alias("__coin_key"))
    passage_first = coin(kept, ctx, "order", key="__coin_key") < float(ctx.options.get("passage_first_probability", 0.5))
    passage, question = pl.col("passage"), pl.col("question")
    kept = kept.with_columns(passage_first.alias("__passage_first")).with_columns(
        single_turn(pl.when(pl.col("__passage_first")).then(passage + "\n" + question).otherwise(question + "\n" + passage), pl.col("answer")),
        pl.lit(ctx.options.get("system", SYSTEM)).alias("system"),
    )
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
