"""Building blocks every source converter uses: the context handed to `convert`, the result it
returns, and vectorized Polars helpers for conversations, validation, filters and finishing rows
into the canonical schema.

A source module is one function, `convert(ctx: SourceContext) -> Converted`. It reads its inputs
with `ctx.read()`, builds user/assistant conversations (or preference pairs, or plain text) with
Polars expressions, and sets aside malformed or filtered rows with `split_rejects`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from bagel_data import ids, schema
from bagel_data.reading import RawData, read_upstream
from bagel_data.recipe import Recipe, SourceSpec
from bagel_data.settings import Settings

ROW_KEY = "__row_key"
RAW_CHARS = 2000
_REJECT_SCHEMA = {"row_key": pl.String, "reason": pl.String, "raw": pl.String}


@dataclass
class SourceContext:
    spec: SourceSpec
    recipe: Recipe
    settings: Settings

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def seed(self) -> int:
        return self.recipe.seed

    @property
    def options(self) -> dict:
        return self.spec.options

    def read(self, input_name: str = "main") -> RawData:
        """Rows of the source's main upstream, or of one of its named extra `inputs`."""
        up = self.spec.upstream if input_name == "main" else self.spec.inputs[input_name]
        label = self.name if input_name == "main" else f"{self.name} (input {input_name})"
        return read_upstream(up, self.settings, f"source {label}")

    def read_benchmark(self, name: str) -> RawData:
        return read_upstream(self.recipe.benchmarks[name].upstream, self.settings, f"benchmark {name} (for source {self.name})")

    def upstream_of(self, input_name: str = "main"):
        return self.spec.upstream if input_name == "main" else self.spec.inputs[input_name]


@dataclass
class Converted:
    """What a converter returns; frames already conform to the canonical schemas.

    The contract: `rows_in` counts every upstream record read (parsed rows plus the reading
    layer's rejects), and each of them ends up as an output row or a reject with a reason, so
    rows_in = rows out + rejects. Exceptions, by design: a pair built from two upstream rows
    (helpsteer), preference pairs derived from rows already counted as instructions (airoboros,
    lmsys_chat_1m), SFT rows copied from pairs (toxic), and books split into chapters (gutenberg). `run_converter` fails a source
    whose records all end up malformed, or that yields no rows and no rejects at all."""

    rows_in: int
    instructions: pl.DataFrame | None = None
    preferences: pl.DataFrame | None = None
    texts: pl.DataFrame | None = None
    rejects: list[pl.DataFrame] = field(default_factory=list)  # row_key, reason, raw

    def all_rejects(self, source: str) -> pl.DataFrame:
        frames = [r.select(list(_REJECT_SCHEMA)).cast(_REJECT_SCHEMA) for r in self.rejects if r is not None and r.height]
        out = pl.concat(frames) if frames else pl.DataFrame(schema=_REJECT_SCHEMA)
        return out.select(pl.lit(source).alias("source"), "row_key", "reason", "raw")


# --- rejects -------------------------------------------------------------------------------


def raw_json(columns: Sequence[str] | None = None) -> pl.Expr:
    """The upstream row (all columns except the row key, or `columns`) as truncated JSON."""
    cols = pl.all().exclude(ROW_KEY) if columns is None else pl.col(list(columns))
    return pl.struct(cols).struct.json_encode().str.slice(0, RAW_CHARS)


def split_rejects(frame: pl.DataFrame, checks: Sequence[tuple[str, pl.Expr]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply (reason, is_bad) checks in order; return (kept rows, rejects with the first failing reason).

    A null from a check counts as bad (a missing field is malformed, not silently kept)."""
    if not checks:
        return frame, pl.DataFrame(schema=_REJECT_SCHEMA)
    reason = pl.lit(None, dtype=pl.String)
    for text, bad in reversed(checks):
        reason = pl.when(bad.fill_null(True)).then(pl.lit(text)).otherwise(reason)
    tagged = frame.with_columns(reason.alias("__reason"))
    kept = tagged.filter(pl.col("__reason").is_null()).drop("__reason")
    rejected = tagged.filter(pl.col("__reason").is_not_null())
    rejects = rejected.select(
        pl.col(ROW_KEY).alias("row_key"),
        pl.col("__reason").alias("reason"),
        pl.struct(pl.all().exclude(ROW_KEY, "__reason")).struct.json_encode().str.slice(0, RAW_CHARS).alias("raw"),
    )
    return kept, rejects


def reading_rejects(raw: RawData) -> pl.DataFrame:
    return raw.rejects if raw.rejects is not None and raw.rejects.height else pl.DataFrame(schema=_REJECT_SCHEMA)


def blank(expr: pl.Expr) -> pl.Expr:
    """True where a string is null, empty or whitespace only."""
    return expr.is_null() | (expr.cast(pl.String).str.strip_chars().str.len_chars() == 0)


def has_columns(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Add any missing upstream column as string nulls, so awkward files with absent fields still
    convert; a named column that is null in every row (no type) is typed String as well, so
    string expressions on it give nulls (rejected by the checks) instead of a schema error.
    Records with none of several named fields are not this source's records: that raises."""
    wanted = list(dict.fromkeys(names))
    if len(wanted) > 1 and frame.height and not set(wanted) & set(frame.columns):
        raise ValueError(f"the records have none of the fields {wanted} (fields: {[c for c in frame.columns if c != ROW_KEY][:8]})")
    untyped = [n for n in wanted if n not in frame.columns or frame.schema[n] == pl.Null]
    return frame.with_columns([pl.lit(None, dtype=pl.String).alias(n) for n in untyped]) if untyped else frame


# --- conversations -------------------------------------------------------------------------


def turn(role: str, content: pl.Expr) -> pl.Expr:
    return pl.struct(pl.lit(role).alias("role"), content.cast(pl.String).alias("content"))


def single_turn(user: pl.Expr, assistant: pl.Expr) -> pl.Expr:
    """A one-exchange conversation column from two string expressions."""
    return pl.concat_list([turn("user", user), turn("assistant", assistant)]).alias("conversation")


SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "chatgpt": "assistant", "bing": "assistant", "bard": "assistant", "model": "assistant", "system": "system"}


def from_sharegpt(column: str = "conversations", role_field: str = "from", content_field: str = "value") -> list[pl.Expr]:
    """Expressions giving `system` (a leading system turn, if any) and `conversation` ({role, content}
    turns after it) from a ShareGPT-style list column. Unknown roles map to "unknown"."""
    turns = pl.col(column).list.eval(
        pl.struct(
            pl.element().struct.field(role_field).cast(pl.String).str.to_lowercase().replace_strict(SHAREGPT_ROLES, default="unknown").alias("role"),
            pl.element().struct.field(content_field).cast(pl.String).alias("content"),
        )
    )
    leading_system = turns.list.first().struct.field("role") == "system"
    system = pl.when(leading_system).then(turns.list.first().struct.field("content"))
    # only a leading system turn is lifted out; a system turn later on stays in the conversation,
    # where `conversation_checks` rejects it as a wrong role order instead of dropping it silently
    conversation = pl.when(leading_system).then(turns.list.slice(1)).otherwise(turns)
    return [system.alias("system"), conversation.alias("conversation")]


def role_pattern(conversation: pl.Expr) -> pl.Expr:
    """The roles of a conversation as a string of letters: u(ser), a(ssistant), s(ystem), x(other)."""
    return conversation.list.eval(
        pl.element().struct.field("role").replace_strict({"user": "u", "assistant": "a", "system": "s"}, default="x")
    ).list.join("")


def conversation_checks(conversation: pl.Expr = pl.col("conversation")) -> list[tuple[str, pl.Expr]]:
    """Standard malformed-conversation checks: no turns, wrong role order, an empty turn."""
    return [
        ("malformed: no conversation", conversation.is_null() | (conversation.list.len() == 0)),
        ("malformed: wrong role order", ~role_pattern(conversation).str.contains(r"^(ua)+$")),
        (
            "malformed: empty turn",
            conversation.list.eval(blank(pl.element().struct.field("content"))).list.any(),
        ),
    ]


# --- filters -------------------------------------------------------------------------------


def refusal_regex(patterns: Sequence[str]) -> str | None:
    """One case-insensitive regex matching any of the recipe's refusal patterns (None: no pattern)."""
    return "(?i)" + "|".join(f"(?:{p})" for p in patterns) if patterns else None


def is_refusal(text: pl.Expr, patterns: Sequence[str]) -> pl.Expr:
    """True where `text` matches a refusal pattern; never, when the recipe lists none."""
    regex = refusal_regex(patterns)
    return pl.lit(False) if regex is None else text.fill_null("").str.contains(regex)


def assistant_text(conversation: pl.Expr = pl.col("conversation")) -> pl.Expr:
    """All assistant turns of a conversation joined, for filters that look at responses."""
    return conversation.list.eval(
        pl.element().filter(pl.element().struct.field("role") == "assistant").struct.field("content")
    ).list.join("\n")


def refusal_check(ctx: SourceContext, text: pl.Expr) -> list[tuple[str, pl.Expr]]:
    """The refusal filter as a check, when the recipe switches it on for this source."""
    if not ctx.spec.filters.get("refusal"):
        return []
    return [("filter: refusal", is_refusal(text, ctx.recipe.refusal_patterns))]


# --- finishing -----------------------------------------------------------------------------


def _provenance(ctx: SourceContext, source: pl.Expr | None, input_name: str = "main") -> list[pl.Expr]:
    up = ctx.upstream_of(input_name)
    return [
        (source if source is not None else pl.lit(ctx.name)).cast(pl.String).alias("source"),
        pl.lit(up.repo).alias("dataset"),
        pl.lit(up.revision).alias("revision"),
        pl.col(ROW_KEY).cast(pl.String).alias("row_key"),
    ]


def finish_instructions(
    frame: pl.DataFrame, ctx: SourceContext, *, source: pl.Expr | None = None, category: pl.Expr | None = None, input_name: str = "main"
) -> pl.DataFrame:
    """Frame with `conversation` (and optional `system`) → canonical instruction rows with ids."""
    frame = has_columns(frame, "system")
    frame = frame.with_columns(pl.when(blank(pl.col("system"))).then(None).otherwise(pl.col("system").cast(pl.String)).alias("system"))
    out = frame.select(
        *_provenance(ctx, source, input_name),
        (category if category is not None else pl.lit(None, dtype=pl.String)).cast(pl.String).alias("category"),
        "system",
        "conversation",
    )
    out = out.with_columns(ids.instruction_ids(out["conversation"], out["system"]).alias("id"))
    return pl.from_arrow(schema.conform(out, schema.INSTRUCTION, f"source {ctx.name} instructions"))


def finish_preferences(frame: pl.DataFrame, ctx: SourceContext, *, source: pl.Expr | None = None, input_name: str = "main") -> pl.DataFrame:
    """Frame with `prompt`, `chosen`, `rejected` (and optional `system`) → canonical pairs."""
    frame = has_columns(frame, "system")
    out = frame.select(
        *_provenance(ctx, source, input_name),
        pl.when(blank(pl.col("system"))).then(None).otherwise(pl.col("system").cast(pl.String)).alias("system"),
        pl.col("prompt").cast(pl.String),
        pl.col("chosen").cast(pl.String),
        pl.col("rejected").cast(pl.String),
    )
    out = out.with_columns(ids.preference_ids(out["prompt"], out["system"]).alias("id"))
    return pl.from_arrow(schema.conform(out, schema.PREFERENCE, f"source {ctx.name} preferences"))


def finish_texts(frame: pl.DataFrame, ctx: SourceContext, *, source: pl.Expr | None = None, input_name: str = "main") -> pl.DataFrame:
    """Frame with `text` → canonical plain-text rows."""
    out = frame.select(*_provenance(ctx, source, input_name), pl.col("text").cast(pl.String))
    out = out.with_columns(ids.text_ids(out["text"]).alias("id"))
    return pl.from_arrow(schema.conform(out, schema.TEXT, f"source {ctx.name} texts"))


def preference_checks(frame_has_system: bool = False) -> list[tuple[str, pl.Expr]]:
    """Standard malformed-pair checks: empty prompt/chosen/rejected, identical pair."""
    return [
        ("malformed: empty prompt", blank(pl.col("prompt"))),
        ("malformed: empty chosen", blank(pl.col("chosen"))),
        ("malformed: empty rejected", blank(pl.col("rejected"))),
        ("filter: identical pair", pl.col("chosen") == pl.col("rejected")),
    ]


def coin(frame: pl.DataFrame, ctx: SourceContext, salt: str, key: str = ROW_KEY) -> pl.Series:
    """A [0,1) coin per row, seeded by (recipe seed, source:salt, the row's upstream key)."""
    return pl.Series(f"coin_{salt}", ids.coins(frame[key].cast(pl.String), ctx.seed, f"{ctx.name}:{salt}"))


# --- multiple choice -----------------------------------------------------------------------


def choice_lines(frame: pl.DataFrame, labels: pl.Expr, texts: pl.Expr, answer: pl.Expr) -> pl.DataFrame:
    """Per row: `choices_block` ("A. text" lines joined by newlines), `answer_text` (text of the
    choice whose label equals `answer`, null if none) and `n_choices` (null if labels and texts
    differ in length). Vectorized via explode/group_by; row order is kept."""
    base = frame.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("__i"),
        labels.cast(pl.List(pl.String)).alias("__l"),
        texts.cast(pl.List(pl.String)).alias("__t"),
        answer.cast(pl.String).str.strip_chars().alias("__a"),
    )
    same = base.filter(pl.col("__l").list.len() == pl.col("__t").list.len())
    exploded = same.explode(["__l", "__t"]).filter(pl.col("__l").is_not_null())
    grouped = exploded.group_by("__i", maintain_order=True).agg(
        pl.format("{}. {}", pl.col("__l"), pl.col("__t").fill_null("")).str.join("\n").alias("choices_block"),
        pl.col("__t").filter(pl.col("__l").str.strip_chars() == pl.col("__a")).first().alias("answer_text"),
        pl.len().cast(pl.Int64).alias("n_choices"),
    )
    joined = base.select("__i").join(grouped, on="__i", how="left", maintain_order="left")
    return frame.with_columns(joined.select("choices_block", "answer_text", "n_choices"))
