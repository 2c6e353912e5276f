"""Vectorized helpers shared by the chat-style converters (ShareGPT lists, role/content lists):
typing a conversation column even when every row lacks it, trimming an unanswered last user
turn, first-turn lookups, the whitespace/case-insensitive text key used to match
instructions across datasets, and the text the refusal filter reads."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import assistant_text, from_sharegpt, role_pattern


def typed_turns(frame: pl.DataFrame, column: str, role_field: str = "from", content_field: str = "value") -> pl.DataFrame:
    """`frame` with `column` present and typed as a list of structs with `role_field` and
    `content_field`. A column that is not a list of structs in the whole file (absent, all null,
    always an empty list, a string everywhere) becomes null turns, which the conversation checks
    reject as malformed; turns lacking one of the two fields get it as null."""
    turn = pl.List(pl.Struct({role_field: pl.String, content_field: pl.String}))
    dtype = frame.schema.get(column)
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        return frame.with_columns(pl.lit(None, dtype=turn).alias(column))
    missing = [f for f in (role_field, content_field) if f not in {field.name for field in dtype.inner.fields}]
    if missing:
        filled = pl.element().struct.with_fields([pl.lit(None, dtype=pl.String).alias(f) for f in missing])
        frame = frame.with_columns(pl.col(column).list.eval(filled))
    return frame


def sharegpt(frame: pl.DataFrame, column: str = "conversations", role_field: str = "from", content_field: str = "value") -> pl.DataFrame:
    """Add `system` and `conversation` ({role, content}, system turns removed) from a ShareGPT list."""
    frame = typed_turns(frame, column, role_field, content_field)
    return frame.with_columns(from_sharegpt(column, role_field, content_field))


def trim_unanswered(conversation: pl.Expr = pl.col("conversation")) -> pl.Expr:
    """Drop a final user turn that has no assistant reply (nothing to train on after it)."""
    last_role = conversation.list.last().struct.field("role")
    return pl.when(last_role == "user").then(conversation.list.slice(0, conversation.list.len() - 1)).otherwise(conversation)


def turn_content(conversation: pl.Expr, role: str, index: int = 0) -> pl.Expr:
    """Content of the `index`-th turn with `role` (null if there is none)."""
    return conversation.list.eval(
        pl.element().filter(pl.element().struct.field("role") == role).struct.field("content")
    ).list.get(index, null_on_oob=True)


def text_key(text: pl.Expr) -> pl.Expr:
    """Case- and whitespace-insensitive matching key of a text."""
    return text.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def user_text(conversation: pl.Expr = pl.col("conversation")) -> pl.Expr:
    """All user turns of a conversation joined by newlines."""
    return conversation.list.eval(
        pl.element().filter(pl.element().struct.field("role") == "user").struct.field("content")
    ).list.join("\n")



def whole_text(conversation: pl.Expr = pl.col("conversation"), system: pl.Expr = pl.col("system")) -> pl.Expr:
    """The system prompt (if any) and every turn, joined by newlines."""
    turns = conversation.list.eval(pl.element().struct.field("content")).list.join("\n")
    return pl.when(system.is_null()).then(turns).otherwise(system.cast(pl.String) + "\n" + turns)


def refusal_text(scope: str) -> pl.Expr:
    """What the refusal filter reads: `all` turns with the system prompt (the original bagel code's
    choice for pippa, slimorca and synthia) or the assistant's `responses` only."""
    if scope == "all":
        return whole_text()
    if scope == "responses":
        return assistant_text()
    raise ValueError(f"refusal_scope must be 'all' or 'responses', not {scope!r}")


UNANSWERED = "filter: ends on a user turn"


def unanswered(frame: pl.DataFrame, trim: bool) -> tuple[pl.DataFrame, list[tuple[str, pl.Expr]]]:
    """A chat that alternates user/assistant but ends on a user turn: dropped whole by a check (the
    original bagel code's expansion did so), or, with `trim`, that last turn trimmed. Returns
    (frame, checks); put the checks before `conversation_checks`."""
    if trim:
        return frame.with_columns(trim_unanswered().alias("conversation")), []
    return frame, [(UNANSWERED, role_pattern(pl.col("conversation")).str.contains(r"^(ua)*u$").fill_null(False))]
