"""Vectorized expansion of normalized rows into training rows, one per (row, format, assistant turn).

Uses the templates of `templates.py` as Polars expressions, so a million conversations expand
without a Python loop per row; `render_prompt` is the per-row reference it is tested against.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
import pyarrow as pa

from bagel_data import ids
from bagel_data.formats.templates import PY_WHITESPACE, get_format

TEXT_FORMAT = "text"


def _apply(template: str, placeholder: str, value: pl.Expr) -> pl.Expr:
    before, _, after = template.partition("{" + placeholder + "}")
    if not _:
        return pl.lit(template)
    if not before and not after:  # "{content}": the value itself, no copy
        return value
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


def _pick(no_system: pl.Expr, without: str, with_system: str) -> pl.Expr:
    """One of two literals by whether the row has a system prompt (a column of short strings)."""
    return pl.lit(without) if without == with_system else pl.when(no_system).then(pl.lit(without)).otherwise(pl.lit(with_system))


def _strip(value: pl.Expr, side: str) -> pl.Expr:
    """Strip as Python's str.strip/rstrip/lstrip did in the original (same whitespace set)."""
    if side == "both":
        return value.str.strip_chars(PY_WHITESPACE)
    if side == "right":
        return value.str.strip_chars_end(PY_WHITESPACE)
    if side == "left":
        return value.str.strip_chars_start(PY_WHITESPACE)
    return value


def default_system_flags(row_ids: pl.Series, seed: int, probability: float, fmt: str) -> pl.Series:
    """Per (row id, format): does a row without a system prompt get the format's default one?
    Always False for a format without a default (alpaca)."""
    if get_format(fmt).default_system is None:
        return pl.Series("__default_system", [False] * len(row_ids), dtype=pl.Boolean)
    return pl.Series("__default_system", ids.coins(row_ids, seed, f"default_system:{fmt}") < probability)


def _system_expr(fmt_name: str, own_system: bool = True) -> pl.Expr:
    """The system prompt a row uses in a format: its own, else the coin's default, else none."""
    f = get_format(fmt_name)
    default = pl.when(pl.col("__default_system")).then(pl.lit(f.default_system)).otherwise(None) if f.default_system else pl.lit(None, dtype=pl.String)
    if not own_system:
        return default
    return pl.when(pl.col("system").is_not_null()).then(pl.col("system")).otherwise(default)


def _start_expr(fmt_name: str) -> pl.Expr:
    f = get_format(fmt_name)
    system = _strip(pl.col("__sys"), f.strips.system)
    return pl.when(pl.col("__sys").is_null()).then(pl.lit(f.start)).otherwise(_apply(f.system, "system", system))


def _first_user_pieces(fmt_name: str, content: pl.Expr) -> list[pl.Expr]:
    """The first user turn as concat_str pieces: the (stripped) text is copied once, whichever
    template (with or without a system prompt before it) wraps it."""
    f = get_format(fmt_name)
    text = _strip(content, f.strips.first_user)
    before, _, after = f.first_user.partition("{content}")
    before_sys, _, after_sys = f.first_user_after_system.partition("{content}")
    no_system = pl.col("__sys").is_null()
    return [_pick(no_system, before, before_sys), text, _pick(no_system, after, after_sys)]


def _first_user_expr(fmt_name: str, content: pl.Expr) -> pl.Expr:
    return pl.concat_str(_first_user_pieces(fmt_name, content))


def _completion_expr(fmt_name: str, content: pl.Expr) -> pl.Expr:
    f = get_format(fmt_name)
    return _apply(f.completion, "content", _strip(content, f.strips.completion))


def _format_filter(frame: pl.DataFrame, format_column: str | None, name: str) -> pl.DataFrame:
    """Rows to render in format `name`: all, or those whose `format_column` (a list of names, or
    one name) holds it."""
    if not format_column:
        return frame
    col = pl.col(format_column)
    return frame.filter(col.list.contains(name) if isinstance(frame.schema[format_column], pl.List) else col == name)


def _with_default_system(frame: pl.DataFrame, fmt: str, seed: int, probability: float) -> pl.DataFrame:
    """Add the per-(row id, format) default-system coin (every turn of a conversation shares it)."""
    return frame.with_columns(default_system_flags(frame["id"], seed, probability, fmt))


def expand_instructions(
    frame: pl.DataFrame,
    formats: Sequence[str],
    *,
    seed: int,
    default_system_probability: float,
    format_column: str | None = None,
    turn_column: str | None = None,
    carry: Sequence[str] = (),
) -> pl.DataFrame:
    """Instruction rows (id, source, system, conversation[, format_column]) → SFT rows
    (id, source, format, prompt, completion, messages), one per format and assistant turn.

    With `format_column` (a list of format names per row, or one name) a row is expanded only
    into its own formats; with `turn_column` (0-based assistant turn index per row) only that
    turn is rendered instead of every turn; `carry` columns are passed through to the output."""
    if frame.height == 0:
        return _empty_sft(frame.select(carry).schema if carry else None)
    keep = ["id", "source", "system", "conversation", format_column, turn_column, *carry]
    base = frame.select(list(dict.fromkeys(c for c in keep if c)))
    outputs = []
    for name in formats:
        rows = _with_default_system(_format_filter(base, format_column, name), name, seed, default_system_probability).with_row_index("__r")
        if not turn_column:
            outputs.append(_render_turns(rows, name, carry, every_turn=True))
            continue
        rows = rows.with_columns(pl.col(turn_column).alias("__k"))
        first, later = rows.filter(pl.col("__k") == 0), rows.filter(pl.col("__k") > 0)
        parts = [_render_first_turn(first, name, carry)] + ([_render_turns(later, name, carry, every_turn=False)] if later.height else [])
        outputs.append(pl.concat(parts).sort("__r").drop("__r") if len(parts) > 1 else parts[0].drop("__r"))
    if not turn_column:
        outputs = [o.drop("__r") for o in outputs]
    return pl.concat(outputs) if outputs else _empty_sft(frame.select(carry).schema if carry else None)


MESSAGE = pl.Struct({"role": pl.String, "content": pl.String})


def messages_column(conversation: pl.Series, system: pl.Series, keep: np.ndarray) -> pl.Series:
    """`messages` per row: the system message its prompt uses (when `system` is not null), then
    the first `keep[i]` messages of its conversation. Built by one gather over the flattened
    messages, grouped back into lists by their (sorted) row: Polars' concat_list of struct lists
    is ~10x slower, and building the lists from offsets in Arrow copies every text twice more
    (~10x slower again)."""
    n = len(conversation)
    lengths = conversation.list.len().fill_null(0).to_numpy().astype(np.int64)
    keep = np.minimum(np.asarray(keep, dtype=np.int64), lengths)
    has = system.is_not_null().to_numpy()
    n_system = int(has.sum())
    flat = conversation.filter(conversation.list.len().fill_null(0) > 0).explode().cast(MESSAGE)
    systems = pl.DataFrame({"role": pl.Series(["system"], dtype=pl.String).gather(np.zeros(n_system, np.int64)), "content": system.filter(system.is_not_null())})
    pool = pl.concat([systems.to_struct(flat.name).cast(MESSAGE), flat])
    counts = has.astype(np.int64) + keep
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    take = np.empty(int(offsets[-1]), dtype=np.int64)
    take[offsets[:-1][has]] = np.arange(n_system)
    conv_start = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if n else np.zeros(0, np.int64)
    row = np.repeat(np.arange(n), keep)
    within = np.arange(len(row)) - np.repeat(np.cumsum(keep) - keep, keep)
    take[offsets[:-1][row] + has[row] + within] = n_system + conv_start[row] + within
    if n and counts.min() > 0:  # every row has a message: group the gathered messages by row, in Polars
        owner = pl.Series("__row", np.repeat(np.arange(n, dtype=np.uint32), counts)).set_sorted()
        grouped = pl.DataFrame([owner, pool.gather(take).alias("messages")]).group_by("__row", maintain_order=True).agg("messages")
        return grouped["messages"].cast(pl.List(MESSAGE))
    values = pool.gather(take).to_arrow()  # (rows without any message: lists from offsets, through Arrow)
    return pl.Series("messages", pa.LargeListArray.from_arrays(pa.array(offsets), values)).cast(pl.List(MESSAGE))


def _render_first_turn(rows: pl.DataFrame, name: str, carry: Sequence[str]) -> pl.DataFrame:
    """Rows rendered at their first assistant turn: no history to join, plain column arithmetic."""
    f = get_format(name)
    content = lambda i: pl.col("conversation").list.get(i).struct.field("content")  # noqa: E731
    rows = rows.with_columns(_system_expr(name).alias("__sys"))
    return rows.select(
        "id",
        "source",
        pl.lit(name).alias("format"),
        pl.concat_str([_start_expr(name), *_first_user_pieces(name, content(0)), pl.lit(f.generation)]).alias("prompt"),
        _completion_expr(name, content(1)).alias("completion"),
        messages_column(rows["conversation"], rows["__sys"], np.full(rows.height, 2)),
        *carry,
        "__r",
    )


def _render_turns(rows: pl.DataFrame, name: str, carry: Sequence[str], *, every_turn: bool) -> pl.DataFrame:
    """Rows rendered with their history: every assistant turn, or the turn in `__k`."""
    f = get_format(name)
    history = pl.col("conversation") if every_turn else pl.col("conversation").list.slice(0, pl.col("__k") * 2 + 2)
    rows = rows.with_columns(_system_expr(name).alias("__sys"))
    turns = (
        rows.select("__r", "__sys", history.alias("__turn"))
        .explode("__turn")
        .with_columns(
            pl.col("__turn").struct.field("role").alias("__role"),
            pl.col("__turn").struct.field("content").alias("__content"),
            pl.int_range(pl.len()).over("__r").alias("__t"),
        )
    )
    content = pl.col("__content")
    frag = (
        pl.when(pl.col("__t") == 0)
        .then(_first_user_expr(name, content))
        .when(pl.col("__role") == "user")
        .then(_apply(f.user, "content", _strip(content, f.strips.user)))
        .otherwise(_apply(f.assistant, "content", _strip(content, f.strips.assistant)))
    )
    grouped = turns.group_by("__r", maintain_order=True).agg(frag.alias("__frags"), content.alias("__contents"))
    rows = rows.join(grouped, on="__r", how="inner", maintain_order="left")
    if every_turn:
        rows = rows.with_columns(pl.int_ranges(0, pl.col("__contents").list.len() // 2).alias("__k")).explode("__k")
    n_prompt = pl.col("__k") * 2 + 1
    messages = messages_column(rows["conversation"], rows["__sys"], rows.select(n_prompt + 1).to_series().to_numpy())
    return rows.select(
        "id",
        "source",
        pl.lit(name).alias("format"),
        pl.concat_str([_start_expr(name), pl.col("__frags").list.slice(0, n_prompt).list.join(""), pl.lit(f.generation)]).alias("prompt"),
        _completion_expr(name, pl.col("__contents").list.get(n_prompt)).alias("completion"),
        messages,
        *carry,
        "__r",
    )


def expand_texts(frame: pl.DataFrame, *, carry: Sequence[str] = ()) -> pl.DataFrame:
    """Plain-text rows pass through as completion-only SFT rows (empty prompt, format "text")."""
    return frame.select(
        "id",
        "source",
        pl.lit(TEXT_FORMAT).alias("format"),
        pl.lit("").alias("prompt"),
        pl.col("text").alias("completion"),
        pl.concat_list([pl.struct(pl.lit("assistant").alias("role"), pl.col("text").alias("content"))]).alias("messages"),
        *carry,
    )


def expand_preferences(
    frame: pl.DataFrame,
    formats: Sequence[str],
    *,
    seed: int,
    default_system_probability: float,
    format_column: str | None = None,
    carry: Sequence[str] = (),
    own_system: bool = False,
) -> pl.DataFrame:
    """Preference pairs (id, source, system, prompt, chosen, rejected) → DPO rows per format
    (`format_column`: a list of format names per row, or one name; `carry`: passed through).

    As in the original, the prompt is rendered from the user prompt alone (`own_system=False`:
    a pair's own system prompt is left out, the default-system coin still applies) and chosen /
    rejected are the raw answers (behind the format's boundary space)."""
    if frame.height == 0:
        schema = {"id": pl.String, "source": pl.String, "format": pl.String, "prompt": pl.String, "chosen": pl.String, "rejected": pl.String}
        return pl.DataFrame(schema={**schema, **(dict(frame.select(carry).schema) if carry else {})})
    outputs = []
    for name in formats:
        f = get_format(name)
        rows = _with_default_system(_format_filter(frame, format_column, name), name, seed, default_system_probability)
        rows = rows.with_columns(_system_expr(name, own_system).alias("__sys"))
        outputs.append(
            rows.select(
                "id",
                "source",
                pl.lit(name).alias("format"),
                pl.concat_str([_start_expr(name), *_first_user_pieces(name, pl.col("prompt")), pl.lit(f.generation)]).alias("prompt"),
                _apply(f.completion, "content", pl.col("chosen")).alias("chosen"),
                _apply(f.completion, "content", pl.col("rejected")).alias("rejected"),
                *carry,
            )
        )
    return pl.concat(outputs)


def _empty_sft(carry: pl.Schema | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "id": pl.String,
            "source": pl.String,
            "format": pl.String,
            "prompt": pl.String,
            "completion": pl.String,
            "messages": pl.List(pl.Struct({"role": pl.String, "content": pl.String})),
            **(dict(carry) if carry else {}),
        }
    )


def assign_formats(row_ids: pl.Series, formats: Sequence[str], k: int, seed: int) -> pl.Series:
    """k of the formats per row with even coverage: a coin-seeded rotation start per row id, then
    k consecutive formats; over many rows each format is used k/len(formats) of the time."""
    n = len(formats)
    if k >= n:
        start = np.zeros(len(row_ids), dtype=np.int64)
        k = n
    else:
        start = (ids.coins(row_ids, seed, "format_subset") * n).astype(np.int64) % n
    names = dict(enumerate(formats))
    picked = pl.int_ranges(pl.col("s"), pl.col("s") + k).list.eval((pl.element() % n).replace_strict(names, return_dtype=pl.String))
    return pl.DataFrame({"s": start}).select(picked.alias("formats"))["formats"]
