"""Property-based tests of every source converter (hypothesis): upstream rows with missing fields,
wrong types, nulls, empty strings, wrong role order, huge texts, control characters and lone
surrogates never make a converter raise, and the rows always add up (the contract of
`bagel_data.sources.base.Converted`: rows in = rows out + rejects, nothing vanishes).

Rows are mutations of the source's own sample rows (those its converter keeps), written as the
source's main input (a JSONL file in a mirror that holds the other samples as they are), then
converted through the real reading layer and `run_converter`:

- a file with a majority of intact rows converts without any error and adds up;
- a file of mutated rows only either converts and adds up, or fails its source with one line
  naming it (a file whose every record is malformed must not build green).

Gutenberg books get text-level damage instead (markers removed, bytes cut or broken, control
characters, a huge paragraph). Examples per converter are bounded so the module stays fast.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bagel_data.reading import ReadError, read_upstream
from bagel_data.recipe import load_recipe
from bagel_data.settings import SAMPLES_DIR, Settings
from bagel_data.sources import run_converter

RECIPE = load_recipe()
NAMES = sorted(n for n, s in RECIPE.sources.items() if s.module != "gutenberg")
FILE = "rows.jsonl"
HUGE = 60_000
CONTROL = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, 0x2028]))
# the reasons of preference pairs derived from already counted rows (airoboros, lmsys_chat_1m)
DERIVED_PAIR_REASONS = {
    "malformed: empty prompt",
    "malformed: empty chosen",
    "malformed: empty rejected",
    "filter: identical pair",
    "filter: duplicate prompt",
}
COMMON = settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def mirror(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("properties") / "mirror"
    shutil.copytree(SAMPLES_DIR, root)
    return root


_TEMPLATES: dict[str, list[dict]] = {}


def templates(name: str, home: Path) -> list[dict]:
    """The sample rows of the source's main input that its converter keeps (all, if none is)."""
    if name not in _TEMPLATES:
        spec = RECIPE.sources[name]
        sample = Settings(mode="samples", home=home)
        rows = read_upstream(spec.upstream, sample, f"source {name}").rows
        _, tables = run_converter(spec, RECIPE, sample)
        kept = set().union(*(pl.from_arrow(tables[p].select(["row_key"]))["row_key"].to_list() for p in ("instructions", "preferences", "texts")))
        chosen = rows.filter(pl.col("__row_key").is_in(list(kept)))
        chosen = chosen if chosen.height >= 2 else rows
        _TEMPLATES[name] = [json.loads(json.dumps(r, default=str)) for r in chosen.drop("__row_key").to_dicts()]
    return _TEMPLATES[name]


# --- mutations -----------------------------------------------------------------------------


def _other_type(value):
    options = [0, -7, 2.5, True, "text", ["a", "b"], {"x": 1}, [{"from": "human"}]]
    return st.sampled_from([o for o in options if type(o) is not type(value)])


@st.composite
def mutated(draw, value, depth: int = 0):
    """`value` with one kind of damage, recursing into dicts (fields) and lists (turns)."""
    kinds = ["keep", "keep", "null", "empty", "wrong type", "huge", "control", "surrogate"]
    if isinstance(value, (dict, list)) and depth < 3:
        kinds += ["inside", "inside", "inside"]
    kind = draw(st.sampled_from(kinds))
    if kind == "keep":
        return value
    if kind == "null":
        return None
    if kind == "empty":
        return draw(st.sampled_from(["", "   ", "\n"])) if not isinstance(value, (dict, list)) else type(value)()
    if kind == "wrong type":
        return draw(_other_type(value))
    text = value if isinstance(value, str) else json.dumps(value)
    if kind == "huge":
        return text + " word" * (HUGE // 5)
    if kind == "control":
        return text[: len(text) // 2] + draw(st.text(alphabet=CONTROL, min_size=1, max_size=4)) + text[len(text) // 2 :]
    if kind == "surrogate":
        return text + draw(st.sampled_from(["\ud800", "\udfff", "\udc80x"]))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not draw(st.booleans().map(lambda b: b or depth > 0)):  # drop a top-level field
                continue
            out[key] = draw(mutated(item, depth + 1))
        return out
    items = [draw(mutated(item, depth + 1)) for item in value]
    order = draw(st.sampled_from(["as is", "reversed", "shuffled", "first dropped", "last dropped", "doubled"]))
    if order == "reversed":
        items.reverse()
    elif order == "shuffled":
        items = draw(st.permutations(items))
    elif order == "first dropped":
        items = items[1:]
    elif order == "last dropped":
        items = items[:-1]
    elif order == "doubled":
        items = items + items
    return list(items)


def rows_strategy(rows: list[dict], intact_majority: bool):
    damaged = st.sampled_from(rows).flatmap(lambda r: mutated(r, 0)).filter(lambda r: isinstance(r, dict))
    if not intact_majority:
        return st.lists(damaged, min_size=1, max_size=5)
    intact = st.lists(st.sampled_from(rows), min_size=2, max_size=4)
    return intact.flatmap(lambda good: st.lists(damaged, max_size=len(good) - 1).map(lambda bad: good + bad)).flatmap(st.permutations)


# --- running and accounting ----------------------------------------------------------------


def _spec(name: str):
    spec = RECIPE.sources[name]
    upstream = dataclasses.replace(spec.upstream, repo=f"properties/{name}", config=None, data_files=(FILE,), reader="jsonl")
    return dataclasses.replace(spec, upstream=upstream)


def _write(mirror: Path, name: str, rows: list[dict]) -> None:
    path = mirror / "properties" / name / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")  # lone surrogates as \ud800 escapes


def _keys(table) -> list[str]:
    return pl.from_arrow(table.select(["row_key"]))["row_key"].to_list()


def assert_adds_up(name: str, converted, tables, n_rows: int) -> None:
    parts = {p: _keys(tables[p]) for p in ("instructions", "preferences", "texts")}
    rejects = pl.from_arrow(tables["rejects"].select(["row_key", "reason"]))
    mine = rejects.filter(pl.col("row_key").str.starts_with(f"{FILE}:"))
    seen = set(mine["row_key"]).union(*[{k for k in keys if k.startswith(f"{FILE}:")} for keys in parts.values()])
    assert seen == {f"{FILE}:{i}" for i in range(1, n_rows + 1)}, "an upstream row vanished (neither a row nor a reject)"
    if name == "helpsteer":  # a pair uses two rows: the chosen one (its key) and the rejected one
        assert converted.rows_in == 2 * len(parts["preferences"]) + rejects.height
    elif name == "toxic":  # each pair's prompt and chosen answer is an SFT row as well
        assert set(parts["instructions"]) <= set(parts["preferences"])
        assert converted.rows_in == len(parts["preferences"]) + rejects.height
    elif name in ("airoboros", "lmsys_chat_1m"):  # pairs derived from rows already counted as instructions
        first_stage = rejects.filter(~pl.col("reason").is_in(DERIVED_PAIR_REASONS) & ~pl.col("row_key").str.starts_with("instructions.jsonl:"))
        assert converted.rows_in == len(parts["instructions"]) + first_stage.height
    else:
        assert converted.rows_in == sum(map(len, parts.values())) + rejects.height


def _one_line_failure(err: Exception, name: str) -> None:
    message = str(err)
    assert "\n" not in message and f"source {name}" in message and "mode mirror" in message, message


@pytest.mark.parametrize("name", NAMES)
def test_intact_majority_never_raises_and_adds_up(name, mirror, tmp_path):
    pool = templates(name, tmp_path / "samples-home")
    mirror_settings = Settings(mode="mirror", mirror=mirror, home=tmp_path / "home")

    @COMMON
    @given(rows=rows_strategy(pool, intact_majority=True))
    def check(rows):
        _write(mirror, name, rows)
        converted, tables = run_converter(_spec(name), RECIPE, mirror_settings)
        assert_adds_up(name, converted, tables, len(rows))

    check()


@pytest.mark.parametrize("name", NAMES)
def test_damaged_rows_only_add_up_or_fail_in_one_line(name, mirror, tmp_path):
    pool = templates(name, tmp_path / "samples-home")
    mirror_settings = Settings(mode="mirror", mirror=mirror, home=tmp_path / "home")

    @settings(COMMON, max_examples=5)
    @given(rows=rows_strategy(pool, intact_majority=False))
    def check(rows):
        _write(mirror, name, rows)
        try:
            converted, tables = run_converter(_spec(name), RECIPE, mirror_settings)
        except ReadError as err:  # SourceError included
            _one_line_failure(err, name)
            return
        assert_adds_up(name, converted, tables, len(rows))

    check()


# --- gutenberg: damaged books --------------------------------------------------------------


@st.composite
def damaged_book(draw, text: str) -> bytes:
    data = text.encode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "no start", "no end", "bad byte", "control", "huge paragraph", "headings only"]))
        at = draw(st.integers(0, len(data)))
        if kind == "cut":
            data = data[:at]
        elif kind == "no start":
            data = data.replace(b"*** START OF", b"*** BEGIN OF")
        elif kind == "no end":
            data = data.replace(b"*** END OF", b"*** STOP OF")
        elif kind == "bad byte":
            data = data[:at] + b"\xff\xfe" + data[at:]
        elif kind == "control":
            data = data[:at] + draw(st.text(alphabet=CONTROL, min_size=1, max_size=4)).encode("utf-8") + data[at:]
        elif kind == "huge paragraph":
            data = data[:at] + b"\n\n" + b"word " * (HUGE // 5) + b"\n\n" + data[at:]
        else:
            data = data[:at] + b"\n\nCHAPTER I.\n\nCHAPTER II.\n\nCHAPTER III.\n\n" + data[at:]
    return data


def test_gutenberg_damaged_books_never_raise_and_every_book_is_accounted_for(mirror, tmp_path):
    spec = RECIPE.sources["gutenberg"]
    book_id, title = next(iter(spec.options["books"].items()))
    text = (SAMPLES_DIR / "gutenberg" / f"{book_id}-0.txt").read_text(encoding="utf-8")
    options = {**spec.options, "books": {book_id: title, "900001": "Damaged"}, "mirror_file": "properties-{id}.txt"}
    spec = dataclasses.replace(spec, options=options)
    shutil.copyfile(SAMPLES_DIR / "gutenberg" / f"{book_id}-0.txt", mirror / "gutenberg" / f"properties-{book_id}.txt")
    mirror_settings = Settings(mode="mirror", mirror=mirror, home=tmp_path / "home")

    @settings(COMMON, max_examples=10)
    @given(data=damaged_book(text))
    def check(data):
        (mirror / "gutenberg" / "properties-900001.txt").write_bytes(data)
        try:
            converted, tables = run_converter(spec, RECIPE, mirror_settings)
        except ReadError as err:
            assert not data.strip() and "empty file" in str(err), str(err)
            return
        keys = set(_keys(tables["texts"])) | set(_keys(tables["rejects"]))
        assert converted.rows_in == 2
        assert any(k.startswith("properties-900001.txt") for k in keys), "the damaged book vanished"
        assert any(k.startswith(f"properties-{book_id}.txt") for k in keys)

    check()
