"""The recipe schema: a typo'd key, a wrong type, an out-of-range threshold or cap, an unknown
format or module, a regex Polars cannot compile all fail on load with one line naming the file,
key path and value; the shipped recipe and an empty refusal list load and build."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from bagel_data.recipe import DEFAULT_RECIPE, RecipeError, load_recipe, parse_recipe
from bagel_data.sources import run_converter


def shipped() -> dict:
    return yaml.safe_load(DEFAULT_RECIPE.read_text(encoding="utf-8"))


def _set(raw: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _rename(raw: dict, dotted: str, new: str) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for key in parents:
        node = node[key]
    node[new] = node.pop(last)


def _error(tmp_path: Path, raw: dict) -> str:
    path = tmp_path / "bad-recipe.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"recipe {path}: "), message
    return message.removeprefix(f"recipe {path}: ")


def test_shipped_recipe_is_valid():
    recipe = load_recipe()
    assert "ai2_arc" in recipe.sources and recipe.refusal_patterns


TYPOS = [
    ("sources.ai2_arc.priority", "priorty", "sources.ai2_arc.priorty: unknown key (did you mean 'priority'?)"),
    ("sources.toxic.enabled", "enabeld", "sources.toxic.enabeld: unknown key (did you mean 'enabled'?)"),
    ("decontamination", "decontaminaton", "decontaminaton: unknown key (did you mean 'decontamination'?)"),
    ("refusal_patterns", "refusal_pattern", "refusal_pattern: unknown key (did you mean 'refusal_patterns'?)"),
    ("decontamination.ngram", "ngrams", "decontamination.ngrams: unknown key (did you mean 'ngram'?)"),
    ("mix.stratify", "stratfy", "mix.stratfy: unknown key (did you mean 'stratify'?)"),
    ("shards.row_group_rows", "row_groups_rows", "shards.row_groups_rows: unknown key (did you mean 'row_group_rows'?)"),
    ("sources.ai2_arc.upstream.split", "splt", "sources.ai2_arc.upstream.splt: unknown key (did you mean 'split'?)"),
    ("sources.ai2_arc.options.letter_only_probability", "letter_only_probabilty", "sources.ai2_arc.options.letter_only_probabilty: unknown key (did you mean 'letter_only_probability'?)"),
    ("sources.slimorca.filters.refusal", "refusals", "sources.slimorca.filters.refusals: unknown key (did you mean 'refusal'?)"),
]


@pytest.mark.parametrize("dotted, typo, expected", TYPOS, ids=[t[1] for t in TYPOS])
def test_unknown_keys_at_every_level_name_the_closest_key(tmp_path, dotted, typo, expected):
    raw = shipped()
    _rename(raw, dotted, typo)
    assert _error(tmp_path, raw).startswith(expected)


BAD_VALUES = [
    ("decontamination.ngram.threshold", 2.0, "decontamination.ngram.threshold: must be in [0, 1], got 2.0"),
    ("decontamination.embedding.rules.0.cosine", 2.0, "decontamination.embedding.rules[0].cosine: must be in [0, 1], got 2.0"),
    ("decontamination.embedding.prefilter", -0.1, "decontamination.embedding.prefilter: must be in [0, 1], got -0.1"),
    ("decontamination.rare_df", "low", "decontamination.rare_df: must be a number, got 'low'"),
    ("decontamination.embedding.embed", "some", "decontamination.embedding.embed: must be one of candidates, all, got 'some'"),
    ("sources.synthia.cap", -5, "sources.synthia.cap: must be > 0, got -5"),
    ("sources.synthia.cap", 0, "sources.synthia.cap: must be > 0, got 0"),
    ("sources.synthia.cap", "lots", "sources.synthia.cap: must be an integer, got 'lots'"),
    ("sources.synthia.priority", 1.5, "sources.synthia.priority: must be an integer, got 1.5"),
    ("sources.toxic.enabled", "no", "sources.toxic.enabled: must be true or false, got 'no'"),
    ("sources.synthia.weight", -1, "sources.synthia.weight: must be >= 0, got -1"),
    ("sources.ai2_arc.options.letter_only_probability", 1.5, "sources.ai2_arc.options.letter_only_probability: must be in [0, 1], got 1.5"),
    ("sources.pippa.options.min_turns", "3", "sources.pippa.options.min_turns: must be an integer, got '3'"),
    ("sources.ai2_arc.upstream.reader", "xml", "sources.ai2_arc.upstream.reader: must be one of parquet, jsonl, json, csv, tsv, text, got 'xml'"),
    ("sources.ai2_arc.upstream", "allenai/ai2_arc", "sources.ai2_arc.upstream: must be a mapping, got 'allenai/ai2_arc'"),
    ("default_system_probability", 1.2, "default_system_probability: must be in [0, 1], got 1.2"),
    ("default_cap.cap", 0, "default_cap.cap: must be > 0, got 0"),
    ("formats", ["alpaca", "chatmel"], "formats[1]: must be one of alpaca, chatml, llama2, vicuna, got 'chatmel' (did you mean 'chatml'?)"),
    ("formats", [], "formats: must not be empty"),
    ("mix.stratify", "random", "mix.stratify: must be one of balanced, proportional, got 'random'"),
    ("mix.formats_per_row", 5, "mix.formats_per_row: must be at most the 4 formats, got 5"),
    ("mix.exempt_from_dedup", "truthy", "mix.exempt_from_dedup: must be a list, got 'truthy'"),
    ("shards.bytes_per_shard", 1000, "shards: set exactly one of rows_per_shard and bytes_per_shard"),
    ("seed", "42", "seed: must be an integer, got '42'"),
    ("sources.ai2_arc.module", "ai2arc", "sources.ai2_arc.module: no converter module bagel_data.sources.ai2arc (did you mean 'ai2_arc'?)"),
    ("sources.ai2_arc.module", "base", "sources.ai2_arc.module: no converter module bagel_data.sources.base"),
    ("benchmarks.mmlu.options", {"kind": "mmlu2"}, "benchmarks.mmlu.options.kind: unknown benchmark kind 'mmlu2'"),
]


@pytest.mark.parametrize("dotted, value, expected", BAD_VALUES, ids=[f"{d}={v!r}" for d, v, _ in BAD_VALUES])
def test_types_ranges_formats_and_modules(tmp_path, dotted, value, expected):
    raw = shipped()
    _set(raw, dotted, value)
    assert _error(tmp_path, raw).startswith(expected)


def test_a_new_source_without_converter_names_the_source(tmp_path):
    raw = shipped()
    raw["sources"]["my_new_source"] = {"upstream": {"repo": "me/new"}}
    assert _error(tmp_path, raw).startswith("sources.my_new_source: no converter module bagel_data.sources.my_new_source")
    raw["sources"]["my_new_source"] = {"priority": 1}
    assert _error(tmp_path, raw) == "sources.my_new_source: missing required key 'upstream'"


@pytest.mark.parametrize("pattern, why", [
    ("i (?!can)", "look-around"),  # valid for Python's re, not for Polars' Rust regex
    (r"(a)\1", "backreferences"),
    ("[unclosed", "unclosed character class"),
])
def test_refusal_patterns_must_compile_as_polars_regexes(tmp_path, pattern, why):
    raw = shipped()
    raw["refusal_patterns"].append(pattern)
    index = len(raw["refusal_patterns"]) - 1
    message = _error(tmp_path, raw)
    assert message.startswith(f"refusal_patterns[{index}]: not a valid Polars (Rust) regex: ") and why in message
    assert repr(pattern) in message


def test_converter_regex_options_must_compile(tmp_path):
    raw = shipped()
    raw["sources"]["cinematika"]["options"]["marker_pattern"] = r"\[scene(?=\])"
    assert _error(tmp_path, raw).startswith("sources.cinematika.options.marker_pattern: not a valid Polars (Rust) regex")


def test_humaneval_guard_needs_the_benchmark(tmp_path):
    raw = shipped()
    del raw["benchmarks"]["humaneval"]
    assert _error(tmp_path, raw).startswith("sources.apps.filters.humaneval_guard: needs a 'humaneval' benchmark")


def test_crafted_recipes_need_no_converter_modules():
    """parse_recipe (tests, benchmarks) checks the schema but not that modules exist."""
    raw = {"name": "crafted", "shards": {"rows_per_shard": 10}, "sources": {"chat": {"upstream": {"repo": "up/chat"}}}}
    assert parse_recipe(raw, Path("crafted.yaml")).sources["chat"].module == "chat"
    raw["sources"]["chat"]["cap"] = -5
    with pytest.raises(RecipeError, match=re.escape("recipe crafted.yaml: sources.chat.cap: must be > 0, got -5")):
        parse_recipe(raw, Path("crafted.yaml"))


def test_empty_refusal_list_loads_and_filtered_sources_build(tmp_path, sample_settings):
    """`refusal_patterns: []` used to become the regex "(?!)", which Polars refuses: every source
    with `filters: {refusal: true}` crashed."""
    raw = shipped()
    raw["refusal_patterns"] = []
    path = tmp_path / "no-refusals.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    recipe = load_recipe(path)
    assert recipe.refusal_patterns == ()
    spec = recipe.sources["python_alpaca"]
    assert spec.filters["refusal"]
    converted, tables = run_converter(dataclasses.replace(spec, filters={"refusal": True}), recipe, sample_settings)
    reasons = set(tables["rejects"].column("reason").to_pylist())
    assert tables["instructions"].num_rows > 0 and "filter: refusal" not in reasons
    with_patterns, _ = run_converter(dataclasses.replace(spec, filters={"refusal": True}), load_recipe(), sample_settings)
    assert converted.rows_in == with_patterns.rows_in
