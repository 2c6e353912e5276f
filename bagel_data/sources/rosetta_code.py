"""rosetta_code (cakiki/rosetta-code, train): a Rosetta Code task solved in one language → "Create a
solution in {language} to the following:" + the task description, answered by the code.

Every (task, language) solution is an upstream row; several solutions of one task in one language
share the instruction, so only the first is kept (the rest are "filter: duplicate instruction").
The HumanEval guard applies to the code; the language goes to `category`. Texts are taken as
upstream gives them (the code keeps its trailing newline), as the original bagel code did.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id
from bagel_data.sources.guards import humaneval_check

DEFAULT_TEMPLATE = "Create a solution in {language} to the following:\n"


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "task_name", "task_description", "language_name", "code")
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty task description", blank(pl.col("task_description"))),
            ("malformed: no language", blank(pl.col("language_name"))),
            ("malformed: empty code", blank(pl.col("code"))),
            *humaneval_check(ctx, pl.col("code")),
        ],
    )
    before, _, after = str(ctx.options.get("prompt_template", DEFAULT_TEMPLATE)).partition("{language}")
    user = pl.concat_str([pl.lit(before), pl.col("language_name"), pl.lit(after), pl.col("task_description")])
    kept = kept.with_columns(single_turn(user, pl.col("code")))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx, category=pl.col("language_name").str.strip_chars()), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
