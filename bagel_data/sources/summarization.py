"""summarization (mattpscott/airoboros-summarization, expert_summarization_4096-*.jsonl):
instruction/response pairs already in the contextual-QA format (BEGININPUT … ENDINPUT
BEGININSTRUCTION … ENDINSTRUCTION).

Upstream wraps the text to summarize in a BEGINCONTEXT … ENDCONTEXT block right before ENDINPUT;
that block is unwrapped so the text is the input itself (the context block is meant for
metadata). Rows not in that format are "malformed: not contextual format"; rows longer than
`max_chars` (instruction plus response, standing in for bagel's 4,000-token limit) are
"filter: too long". The file's subset (booksum, cnndm, …) goes to `category`.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import ROW_KEY, Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

CONTEXTUAL = r"(?s)BEGININPUT\n.*\nENDINPUT\s*\nBEGININSTRUCTION\n.*ENDINSTRUCTION"
WRAPPED_INPUT = r"(?s)BEGINCONTEXT\n*(.*)ENDCONTEXT\n*ENDINPUT"
FILE_PREFIX = "expert_summarization_4096-"


def subset() -> pl.Expr:
    """booksum, cnndm, ... from `.../expert_summarization_4096-<subset>[-summaries|-train].jsonl:<line>`."""
    return pl.col(ROW_KEY).str.extract(FILE_PREFIX.replace("-", r"\-") + r"([^-/.:]+)", 1)


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "instruction", "response")
    instruction = pl.col("instruction").cast(pl.String).str.replace(WRAPPED_INPUT, "${1}ENDINPUT").str.strip_chars()
    response = pl.col("response").cast(pl.String).str.strip_chars()
    frame = frame.with_columns(single_turn(instruction, response))
    max_chars = int(ctx.options.get("max_chars", 16000))
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty instruction", blank(instruction)),
            ("malformed: empty response", blank(response)),
            ("malformed: not contextual format", ~instruction.str.contains(CONTEXTUAL)),
            ("filter: too long", (instruction.str.len_chars() + response.str.len_chars()) > max_chars),
        ],
    )
    instructions, duplicates = keep_first_id(finish_instructions(kept, ctx, category=subset()), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
