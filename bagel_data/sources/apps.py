"""apps (codeparrot/apps, all difficulties, train): a programming problem → its first Python solution.

`solutions` is a JSON-encoded list of strings (empty for problems that have none); the user turn
is the recipe's prompt prefix plus the problem statement, the assistant turn the first solution, both as upstream gives them (a trailing newline included).
The HumanEval guard applies; the difficulty goes to `category`.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id
from bagel_data.sources.guards import humaneval_check

DEFAULT_PREFIX = "Provide a python solution to the following:\n"


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "question", "solutions", "difficulty")
    solution = pl.col("solutions").cast(pl.String).str.json_path_match("$[0]")  # null unless a JSON list
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: no solutions", blank(pl.col("solutions")) | (pl.col("solutions").str.replace_all(r"\s", "") == "[]")),
            ("malformed: solutions not a JSON list of strings", solution.is_null()),
            ("malformed: empty solution", blank(solution)),
            *humaneval_check(ctx, solution),
        ],
    )
    prefix = str(ctx.options.get("prompt_prefix", DEFAULT_PREFIX))
    kept = kept.with_columns(single_turn(pl.lit(prefix) + pl.col("question"), solution))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx, category=pl.col("difficulty")), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
