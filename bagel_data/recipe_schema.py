"""The typed schema of a recipe, checked when it is loaded: every key at every level must be known,
of the right type and in range (probabilities and thresholds in [0, 1], caps > 0), formats and
converter modules must exist, and regexes must compile in Polars (Rust regex syntax), the engine
that uses them. `check(raw, path)` raises one `RecipeError` naming the file, the key path and the
value: `recipe bagel-v0.2.yaml: sources.ai2_arc.priorty: unknown key (did you mean 'priority'?)`.

The free-form sections are checked here too, against the keys their readers document
(`mix`/`shards`: bagel_data/mix/config.py, `decontamination`: bagel_data/decontam/config.py).
Converter options are checked by name (`OPTIONS`, shared by every converter): a new option of a
converter is declared there with its type.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SchemaError(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_REGEXES_TRUSTED = False  # set only while the step forkserver builds the definitions


@contextmanager
def regexes_trusted() -> Iterator[None]:
    """Skip the Polars regex check (and so any Polars call) while loading a recipe: only for the
    step forkserver (`bagel_data/assets/fork_ready.py`), which must never start Polars' thread pool
    and loads a recipe the run process has already checked in full."""
    global _REGEXES_TRUSTED
    _REGEXES_TRUSTED = True
    try:
        yield
    finally:
        _REGEXES_TRUSTED = False


def polars_regex_error(pattern: str) -> str | None:
    """Why Polars (Rust `regex`) cannot compile `pattern`, or None when it can."""
    if _REGEXES_TRUSTED:
        return None
    import polars as pl

    try:
        pl.Series([""]).str.contains(pattern)
    except pl.exceptions.ComputeError as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        return next((ln for ln in reversed(lines) if ln.startswith("error:")), lines[-1] if lines else "invalid")
    return None


# --- value types ---------------------------------------------------------------------------------


class Type:
    nullable = False

    def check(self, value: Any, where: str) -> None:
        if value is None and self.nullable:
            return
        self._check(value, where)

    def _check(self, value: Any, where: str) -> None:
        raise NotImplementedError


@dataclass
class Num(Type):
    """An int (`integer=True`, bools refused) or a number, within [lo, hi] (or above lo, `open_lo`)."""

    integer: bool = False
    lo: float | None = None
    hi: float | None = None
    open_lo: bool = False
    nullable: bool = False

    def _check(self, value, where):
        ok = isinstance(value, int) if self.integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok:
            raise SchemaError(where, f"must be {'an integer' if self.integer else 'a number'}, got {_show(value)}")
        low = self.lo is not None and (value <= self.lo if self.open_lo else value < self.lo)
        if low or (self.hi is not None and value > self.hi):
            raise SchemaError(where, f"must be {self._range()}, got {_show(value)}")

    def _range(self) -> str:
        if self.lo is not None and self.hi is not None:
            return f"in [{self.lo:g}, {self.hi:g}]"
        return f"> {self.lo:g}" if self.open_lo else f">= {self.lo:g}"


def Int(lo=None, hi=None, **kw) -> Num:  # noqa: N802 - reads like a type
    return Num(integer=True, lo=lo, hi=hi, **kw)


def Positive(**kw) -> Num:  # noqa: N802
    return Num(integer=True, lo=0, open_lo=True, **kw)


def Fraction(**kw) -> Num:  # noqa: N802 - probabilities, thresholds, cosines, shares
    return Num(lo=0, hi=1, **kw)


@dataclass
class Bool(Type):
    def _check(self, value, where):
        if not isinstance(value, bool):
            raise SchemaError(where, f"must be true or false, got {_show(value)}")


@dataclass
class Text(Type):
    choices: tuple[str, ...] = ()
    regex: bool = False  # must compile as a Polars regex
    nonempty: bool = False
    nullable: bool = False

    def _check(self, value, where):
        if not isinstance(value, str):
            raise SchemaError(where, f"must be a string, got {_show(value)}")
        if self.choices and value not in self.choices:
            raise SchemaError(where, f"must be one of {', '.join(self.choices)}, got {_show(value)}{_did_you_mean(value, self.choices)}")
        if self.nonempty and not value.strip():
            raise SchemaError(where, "must not be empty")
        if self.regex and (why := polars_regex_error(value)):
            raise SchemaError(where, f"not a valid Polars (Rust) regex: {why}; got {_show(value)}")


@dataclass
class ListOf(Type):
    item: Type
    scalar_ok: bool = False  # a single item stands for a one-item list
    nonempty: bool = False
    nullable: bool = False

    def _check(self, value, where):
        if self.scalar_ok and not isinstance(value, list):
            value = [value]
        if not isinstance(value, list):
            raise SchemaError(where, f"must be a list, got {_show(value)}")
        if self.nonempty and not value:
            raise SchemaError(where, "must not be empty")
        for i, item in enumerate(value):
            self.item.check(item, f"{where}[{i}]")


@dataclass
class MapOf(Type):
    """A mapping with free keys (names), each value of one type."""

    value: Type
    key: Type | None = None
    nullable: bool = True

    def _check(self, value, where):
        if not isinstance(value, Mapping):
            raise SchemaError(where, f"must be a mapping, got {_show(value)}")
        for k, v in value.items():
            if self.key is not None:
                self.key.check(k, f"{where}.{k}")
            self.value.check(v, f"{where}.{k}")


@dataclass
class Fields(Type):
    """A mapping with known keys only."""

    fields: dict[str, Type]
    required: tuple[str, ...] = ()
    nullable: bool = True  # an empty section (`mix:`) is allowed
    hint: str = ""  # appended to the unknown-key error

    def _check(self, value, where):
        if not isinstance(value, Mapping):
            raise SchemaError(where, f"must be a mapping, got {_show(value)}")
        for key in value:
            if key not in self.fields:
                raise SchemaError(f"{where}.{key}" if where else str(key), f"unknown key{_did_you_mean(str(key), self.fields)}{self.hint}")
        for key in self.required:
            if key not in value:
                raise SchemaError(where or "recipe", f"missing required key {key!r}")
        for key, spec in self.fields.items():
            if key in value:
                spec.check(value[key], f"{where}.{key}" if where else key)


@dataclass
class Either(Type):
    """The first of several types that accepts the value (the last one's error otherwise)."""

    options: tuple[Type, ...] = field(default_factory=tuple)

    def _check(self, value, where):
        for option in self.options[:-1]:
            try:
                option.check(value, where)
                return
            except SchemaError:
                continue
        self.options[-1].check(value, where)


def _did_you_mean(word: str, known) -> str:
    close = difflib.get_close_matches(word, [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- the recipe ----------------------------------------------------------------------------------

READERS = ("parquet", "jsonl", "json", "csv", "tsv", "text")
COMPRESSIONS = ("zstd", "snappy", "gzip", "brotli", "lz4", "none")
STRATIFY = ("balanced", "proportional")
PART_COMPRESSIONS = ("none", "lz4", "zstd")  # mix.part_compression: accepted from earlier recipes, no effect
STRINGS = ListOf(Text())

UPSTREAM = Fields(
    {
        "repo": Text(nonempty=True),
        "config": Text(nullable=True),
        "split": Text(nonempty=True),
        "revision": Text(nonempty=True),
        "data_files": ListOf(Text(nonempty=True), scalar_ok=True, nullable=True),
        "reader": Text(choices=READERS, nullable=True),
        "url": Text(nullable=True),
    },
    required=("repo",),
    nullable=False,
)

# Converter options, by name (any converter may read any of them; unknown names are refused).
OPTIONS: dict[str, Type] = {
    **{name: Fraction() for name in ("letter_only_probability", "passage_first_probability", "keep_probability")},
    **{name: Int(lo=0) for name in ("humaneval_min_chars", "min_turns", "max_heading_chars", "min_chapter_chars", "min_front_matter_chars")},
    **{name: Positive(nullable=True) for name in ("max_chars", "per_language")},
    **{name: Text() for name in ("prompt_prefix", "prompt_template", "system", "first_message_prefix", "extended_category", "split", "mirror_file", "url_file", "letter_only_instruction")},
    **{name: STRINGS for name in ("rewrite_categories", "sft_models", "score_fields", "unknown_phrases", "benchmarks")},
    **{name: Text(regex=True) for name in ("open_model_size_pattern", "marker_pattern")},
    **{name: Bool() for name in ("trim_unanswered", "dedupe", "drop_textless", "use_input", "keep_system", "sft_rows", "pairs_also_sft")},
    "greeting": Text(choices=("replace", "append")),  # pippa
    "refusal_scope": Text(choices=("all", "responses")),  # pippa, slimorca, synthia
    "extended_match": Text(choices=("exact", "loose")),  # slimorca
    "rewrite_match": Text(choices=("exact", "loose")),  # airoboros
    "humaneval_match": Text(choices=("exact", "normalized")),  # code sources (guards.py)
    "quote_cleanup": Text(choices=("original", "dangling")),  # emobank
    "vad_as": Text(choices=("strings", "numbers")),  # emobank
    "chosen_correctness": Int(lo=0, hi=4),  # HelpSteer ratings are 0-4
    "min_score_chosen": Num(lo=0),
    "books": MapOf(Text(nonempty=True), key=Int(lo=1), nullable=False),
    "keep_heading": Bool(),  # gutenberg
}
_OPTIONS_HINT = "; a converter's new option is declared in bagel_data/recipe_schema.py OPTIONS"
FILTERS = Fields({"refusal": Bool(), "humaneval_guard": Bool()})

SOURCE = Fields(
    {
        "module": Text(nonempty=True),
        "upstream": UPSTREAM,
        "priority": Int(lo=1),
        "cap": Positive(nullable=True),
        "enabled": Bool(),
        "dpo_only": Bool(),
        "inputs": MapOf(UPSTREAM),
        "filters": FILTERS,
        "options": Fields(OPTIONS, hint=_OPTIONS_HINT),
        "stratify_by": Text(nonempty=True, nullable=True),
        "weight": Num(lo=0),
    },
    required=("upstream",),
    nullable=False,
)

BENCHMARK = Fields(
    {
        "upstream": UPSTREAM,
        "inputs": MapOf(UPSTREAM),
        "options": Fields({"kind": Text(), "text_fields": ListOf(Text(nonempty=True), nonempty=True), "view": Text(nonempty=True), "id_field": Text(nullable=True)}),
    },
    required=("upstream",),
    nullable=False,
)

_NAMES = ListOf(Text(nonempty=True), nullable=True)  # benchmark names
RULE = Fields(
    {"cosine": Fraction(), "lexical": Fraction(), "length_ratio": Fraction(), "static": Fraction(nullable=True), "answer": Fraction(), "benchmarks": _NAMES, "exclude": _NAMES},
    required=("cosine",), nullable=False,
)

DECONTAMINATION = Fields(  # bagel_data/decontam/config.py
    {
        "enabled": Bool(),
        "batch_rows": Positive(),
        "rare_df": Fraction(),
        "min_information": Num(lo=0),
        "short_information": Num(lo=0),
        "hash_partitions": MapOf(Positive(), nullable=False),  # source -> decontamination steps (bagel_data/decontam/run.py)
        "ngram": Fields({"n": Positive(), "min_tokens": Int(lo=0), "max_df": Fraction(), "threshold": Fraction()}),
        "embedding": Fields(
            {
                "enabled": Bool(),
                "model": Text(nonempty=True, nullable=True),
                "batch_size": Positive(),
                "max_seq_length": Positive(nullable=True),
                "device": Text(nonempty=True),
                "top_k": Positive(),
                "embed": Text(choices=("candidates", "all")),
                "prefilter": Fraction(),
                "pair_static": Fraction(),
                "rules": ListOf(RULE, nullable=True),
                "answer_veto": Fields({"below": Fraction(), "benchmarks": _NAMES}),
                "question_cosine": Fraction(),
                "options_found": Fraction(),
                "number_veto": Fields({"below": Fraction(), "min_numbers": Positive()}),
                "minimal_pair": Fields({"aligned": Fraction(), "below": Fraction()}),
            }
        ),
        "review": Fields({"enabled": Bool(), "cosine_band": Fraction(), "lexical_band": Fraction(), "answer_band": Fraction()}),
        "judge": Fields(  # bagel_data/decontam/judge.py
            {"enabled": Bool(), "endpoint": Text(nonempty=True, nullable=True), "model": Text(nonempty=True, nullable=True), "api_key_env": Text(nonempty=True, nullable=True),
             "timeout_s": Num(lo=0), "max_pairs": Positive(), "workers": Positive()}
        ),
    }
)

MIX = Fields(  # bagel_data/mix/config.py
    {
        "formats_per_row": Positive(),
        "dpo_formats_per_row": Positive(),
        "stratify": Text(choices=STRATIFY),
        "exempt_from_dedup": ListOf(Text(), nullable=True),
        "render_chunk_rows": Positive(),
        "workers": Positive(),
        "part_compression": Text(choices=PART_COMPRESSIONS),
        "shared_id_space": Bool(),
        "dpo_system": Bool(),
    }
)

SHARDS = Fields(  # bagel_data/mix/config.py
    {
        "rows_per_shard": Positive(nullable=True),
        "bytes_per_shard": Positive(nullable=True),
        "compression": Text(choices=COMPRESSIONS),
        "compression_level": Int(nullable=True),
        "row_group_rows": Positive(),
        "jsonl": Bool(),
    }
)

SCHEDULE = Fields(  # bagel_data/assets/operations.py
    {
        "nightly_cron": Text(nonempty=True),
        "observe_cron": Text(nonempty=True),
        "timezone": Text(nonempty=True),
        "observe_status": Text(choices=("running", "stopped")),
        "nightly_status": Text(choices=("running", "stopped")),
        "automation_status": Text(choices=("running", "stopped")),
        "automation_interval_s": Positive(),
    }
)


def _recipe_fields() -> Fields:
    from bagel_data.formats.templates import FORMATS

    return Fields(
        {
            "name": Text(nonempty=True),
            "seed": Int(lo=0),
            "formats": ListOf(Text(choices=tuple(sorted(FORMATS))), nonempty=True),
            "default_system_probability": Fraction(),
            "default_cap": Fields({"threshold": Int(lo=0), "cap": Positive()}),
            "refusal_patterns": ListOf(Text(regex=True, nonempty=True), nullable=True),
            "mix": MIX,
            "shards": SHARDS,
            "decontamination": DECONTAMINATION,
            "schedule": SCHEDULE,
            "sources": MapOf(SOURCE),
            "benchmarks": MapOf(BENCHMARK),
        },
        nullable=False,
    )


# --- checks across keys ----------------------------------------------------------------------------


def _cross_checks(raw: Mapping[str, Any], check_modules: bool) -> None:
    sources = raw.get("sources") or {}
    benchmarks = raw.get("benchmarks") or {}
    formats = raw.get("formats") or ()
    mix, shards = raw.get("mix") or {}, raw.get("shards") or {}
    for key in ("formats_per_row", "dpo_formats_per_row"):
        if formats and key in mix and mix[key] > len(formats):
            raise SchemaError(f"mix.{key}", f"must be at most the {len(formats)} formats, got {mix[key]}")
    if len(set(formats)) != len(formats):
        raise SchemaError("formats", f"lists a format twice: {_show(formats)}")
    if (shards.get("rows_per_shard") is None) == (shards.get("bytes_per_shard") is None):
        raise SchemaError("shards", "set exactly one of rows_per_shard and bytes_per_shard")
    for name, spec in sources.items():
        spec = spec or {}
        where = f"sources.{name}"
        if (spec.get("filters") or {}).get("humaneval_guard") and "humaneval" not in benchmarks:
            raise SchemaError(f"{where}.filters.humaneval_guard", "needs a 'humaneval' benchmark in the recipe")
        for i, bench in enumerate((spec.get("options") or {}).get("benchmarks") or ()):
            if bench not in benchmarks:
                raise SchemaError(f"{where}.options.benchmarks[{i}]", f"no benchmark {bench!r} in the recipe{_did_you_mean(bench, benchmarks)}")
        if check_modules:
            module = spec.get("module", name)
            if not converter_exists(module):
                raise SchemaError(f"{where}.module" if "module" in spec else where, f"no converter module bagel_data.sources.{module}{_did_you_mean(module, converter_names())}")
    for name, spec in benchmarks.items():
        options = (spec or {}).get("options") or {}
        if check_modules and not options.get("text_fields"):
            from bagel_data.decontam.benchmarks import EXTRACTORS

            kind = options.get("kind", name)
            if kind not in EXTRACTORS:
                where = f"benchmarks.{name}.options.kind" if "kind" in options else f"benchmarks.{name}"
                raise SchemaError(where, f"unknown benchmark kind {kind!r}: set options.kind to one of {', '.join(sorted(EXTRACTORS))} or options.text_fields")


def converter_names() -> list[str]:
    folder = Path(__file__).parent / "sources"
    return sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))


def converter_exists(module: str) -> bool:
    """A module `bagel_data.sources.<module>` with a `convert` function."""
    if not module.isidentifier() or importlib.util.find_spec(f"bagel_data.sources.{module}") is None:
        return False
    return callable(getattr(importlib.import_module(f"bagel_data.sources.{module}"), "convert", None))


def check(raw: Any, path: Path | str, check_modules: bool = True) -> None:
    """Raise RecipeError (file, key path, value) unless `raw` is a valid recipe mapping.
    `check_modules`: also require every source's converter module and benchmark kind to exist."""
    from bagel_data.recipe import RecipeError

    try:
        _recipe_fields().check(raw, "")
        _cross_checks(raw, check_modules)
    except SchemaError as exc:
        raise RecipeError(f"recipe {path}: {exc}") from None

