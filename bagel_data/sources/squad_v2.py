"""squad_v2 (rajpurkar/squad_v2 train): passage + question → the first answer, or, for
unanswerable questions, the "don't know" phrase the prompt asked for.

A coin per upstream id picks that phrase from the recipe's `unknown_phrases`; the prompt names it
either way, so answerable and unanswerable rows look alike. A missing `answers` field is malformed.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

UNKNOWN_PHRASES = ("IRRELEVANT", "DO NOT KNOW", "SKIP", "I don't know.", "The passage does not appear to provide an answer to the question.")
PROMPT = "Read the passage of text provided below, then concisely answer the question.  If you don't know, respond with \"{}\""


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "id", "context", "question", "answers")
    first = pl.col("answers").struct.field("text").list.eval(pl.element().filter(pl.element().str.strip_chars() != "")).list.first()
    frame = frame.with_columns(first.alias("answer"))
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty context", blank(pl.col("context"))),
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: no answers field", pl.col("answers").is_null() | pl.col("answers").struct.field("text").is_null()),
        ],
    )
    phrases = list(ctx.options.get("unknown_phrases") or UNKNOWN_PHRASES)
    kept = kept.with_columns(pl.coalesce(pl.col("id").cast(pl.String), pl.col("__row_key")).alias("__coin_key"))
    pick = np.minimum((coin(kept, ctx, "unknown_phrase", key="__coin_key").to_numpy() * len(phrases)).astype(np.int64), len(phrases) - 1)
    kept = kept.with_columns(pl.Series("__unknown", np.asarray(phrases, dtype=object)[pick].tolist(), dtype=pl.String))
    user = pl.concat_str(
        [pl.format(PROMPT, pl.col("__unknown")), pl.lit("\n\n"), pl.col("context"), pl.lit("\n\n"), pl.col("question")]
    )
    kept = kept.with_columns(single_turn(user, pl.coalesce(pl.col("answer"), pl.col("__unknown"))))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
