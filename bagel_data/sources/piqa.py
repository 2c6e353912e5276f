"""piqa (ybisk/piqa train): a goal and two solutions → "A. sol1"/"B. sol2".

A coin per question (weight `letter_only_probability`, 0.25 in bagel) appends ai2_arc's
letter-only instruction (option `letter_only_instruction`) and answers with the bare letter. Labels other than 0/1 (the hub's -1 in test) are
malformed. The hub rows carry no id, so the coin is keyed by goal and solutions.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.ai2_arc import letter_only_instruction
from bagel_data.sources.base import Converted, SourceContext, blank, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

_SEP = "\x1f"


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "goal", "sol1", "sol2", "label")
    label = pl.col("label").cast(pl.String).str.strip_chars()
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty goal", blank(pl.col("goal"))),
            ("malformed: empty solution", blank(pl.col("sol1")) | blank(pl.col("sol2"))),
            ("malformed: label not 0/1", ~label.is_in(["0", "1"])),
        ],
    )
    goal, sol1, sol2 = (pl.col(c) for c in ("goal", "sol1", "sol2"))
    coin_key = pl.concat_str([field.str.strip_chars() for field in (goal, sol1, sol2)], separator=_SEP)
    kept = kept.with_columns(coin_key.alias("__coin_key"))
    letter_only = coin(kept, ctx, "letter_only", key="__coin_key") < float(ctx.options.get("letter_only_probability", 0.25))
    question = pl.concat_str([goal, pl.lit("A. ") + sol1, pl.lit("B. ") + sol2], separator="\n")
    second = label == "1"
    kept = kept.with_columns(letter_only.alias("__letter")).with_columns(
        single_turn(
            pl.when(pl.col("__letter")).then(question + "\n" + pl.lit(letter_only_instruction(ctx))).otherwise(question),
            pl.when(pl.col("__letter"))
            .then(pl.when(second).then(pl.lit("B")).otherwise(pl.lit("A")))
            .otherwise(pl.when(second).then("B. " + sol2).otherwise("A. " + sol1)),
        )
    )
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
