"""synthia (migtissera/Synthia-v1.3): system (kept when non-empty), instruction, response.

An instruction that carries earlier turns inline ("USER: … ASSISTANT: … USER: …") is split into
those turns, text before the first marker counting as the user's; the response is the last
assistant turn. Rows that only quote the role names (a system prompt mentioning USER, or
"USER:"/'ASSISTANT' in quotes in the instruction) cannot be split reliably and are skipped
("filter: quotes role names"). The refusal filter reads every turn, system prompt included, as
the original bagel code did (option `refusal_scope: responses` reads the responses only).
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import (
    Converted,
    SourceContext,
    blank,
    conversation_checks,
    finish_instructions,
    has_columns,
    reading_rejects,
    refusal_check,
    single_turn,
    split_rejects,
    turn,
)
from bagel_data.sources.chat import refusal_text
from bagel_data.sources.dedupe import keep_first_id

MARKER = r"(USER|ASSISTANT):"
QUOTED_ROLE = r"[\"'](?:USER|ASSISTANT):?[\"']"
_CUT, _TAG = "\x1e", "\x1f"


def inline_turns(instruction: pl.Expr, response: pl.Expr) -> pl.Expr:
    """Split "USER:/ASSISTANT:" markers of the instruction into turns, then add the response. As the
    original bagel code's split: whitespace after a marker is skipped, a turn keeps its trailing
    whitespace (the newline before the next marker)."""
    pieces = instruction.str.strip_chars_start().str.replace_all(MARKER, f"{_CUT}${{1}}{_TAG}").str.split(_CUT)
    piece = pl.element()
    turns = pieces.list.eval(piece.filter(piece != "")).list.eval(
        pl.struct(
            pl.when(piece.str.starts_with("ASSISTANT" + _TAG)).then(pl.lit("assistant")).otherwise(pl.lit("user")).alias("role"),
            piece.str.replace(f"^(?:USER|ASSISTANT){_TAG}", "").str.strip_chars_start().alias("content"),
        )
    )
    return pl.concat_list([turns, pl.concat_list([turn("assistant", response)])])


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "system", "instruction", "response")
    instruction, response = pl.col("instruction").cast(pl.String), pl.col("response").cast(pl.String)
    frame = frame.with_columns(
        pl.when(instruction.str.contains("USER:"))
        .then(inline_turns(instruction, response))
        .otherwise(single_turn(instruction, response))
        .alias("conversation")
    )
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty instruction", blank(instruction)),
            ("malformed: empty response", blank(response)),
            ("filter: quotes role names", pl.col("system").cast(pl.String).fill_null("").str.contains("USER") | instruction.str.contains(QUOTED_ROLE)),
            *conversation_checks(),
            *refusal_check(ctx, refusal_text(str(ctx.options.get("refusal_scope", "all")))),
        ],
    )
    instructions, duplicates = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
