"""Selection: decontamination removals, cross-source dedup by priority, caps, weights, strata."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from bagel_data.mix.config import mix_config
from bagel_data.mix.sampling import allocate, target_size
from bagel_data.mix.select import MixInputError, load_removals, select_rows
from bagel_data.storage import Layout
from bagel_data_tests.mix.crafted import conversation, instructions, make_recipe, preferences, texts, write_removals, write_source


def _select(recipe, home, product="sft", removals=None):
    return select_rows(recipe, mix_config(recipe), Layout(home), product, removals)


def _conv(i: int, answer: str = "a"):
    return conversation(f"question {i}", f"{answer} {i}")


def test_priority_conflicts_highest_priority_wins_and_drops_are_counted_per_pair(home):
    # q0..q4 in all three sources; q5..q9 only in mid and low; q10.. only in low.
    write_source(home, "high", instructions=instructions("high", [_conv(i, "high") for i in range(5)]))
    write_source(home, "mid", instructions=instructions("mid", [_conv(i, "mid") for i in range(10)]))
    write_source(home, "low", instructions=instructions("low", [_conv(i, "low") for i in range(15)]))
    recipe = make_recipe({"low": {"priority": 3}, "mid": {"priority": 2}, "high": {"priority": 1}})
    sel = _select(recipe, home)
    winners = dict(zip(*sel.rows.group_by("origin").len().sort("origin").to_dict(as_series=False).values()))
    assert winners == {"high": 5, "mid": 5, "low": 5}
    assert sel.rows["id"].n_unique() == 15
    pairs = {(d["dropped"], d["kept_by"]): d["rows"] for d in sel.dedup_drops.to_dicts()}
    assert pairs == {("mid", "high"): 5, ("low", "high"): 5, ("low", "mid"): 5}
    assert sel.stats["low"].duplicates_cross == 10 and sel.stats["low"].selected == 5


def test_equal_priority_ties_break_by_source_name_and_duplicates_within_a_source_keep_the_first(home):
    write_source(home, "beta", instructions=instructions("beta", [_conv(1), _conv(2)]))
    write_source(home, "alpha", instructions=instructions("alpha", [_conv(1), _conv(1, "again"), _conv(3)]))
    recipe = make_recipe({"beta": {"priority": 1}, "alpha": {"priority": 1}})
    sel = _select(recipe, home)
    assert sel.rows.filter(pl.col("origin") == "alpha")["row"].to_list() == [0, 2]  # first copy of q1 kept
    assert sel.stats["alpha"].duplicates_within == 1
    assert sel.rows.filter(pl.col("origin") == "beta")["row"].to_list() == [1]
    assert sel.dedup_drops.to_dicts() == [{"dropped": "beta", "kept_by": "alpha", "rows": 1}]


def test_dpo_exempt_sources_keep_prompts_others_already_have(home):
    pairs = [(f"prompt {i}", f"good {i}", f"bad {i}") for i in range(4)]
    write_source(home, "helpful", preferences=preferences("helpful", pairs))
    write_source(home, "truthy", preferences=preferences("truthy", pairs))
    write_source(home, "other", preferences=preferences("other", pairs[:2]))
    recipe = make_recipe(
        {"helpful": {"priority": 1}, "truthy": {"priority": 1, "dpo_only": True}, "other": {"priority": 2}},
    )
    sel = _select(recipe, home, "dpo")
    assert sel.stats["truthy"].exempt and sel.stats["truthy"].selected == 4
    assert sel.stats["other"].selected == 0 and sel.stats["other"].duplicates_cross == 2
    assert sel.dedup_drops.to_dicts() == [{"dropped": "other", "kept_by": "helpful", "rows": 2}]


def test_sft_and_dpo_are_separate_id_spaces(home):
    write_source(home, "src", instructions=instructions("src", [conversation("same prompt", "answer")]), preferences=preferences("src", [("same prompt", "good", "bad")]))
    recipe = make_recipe({"src": {}})
    assert _select(recipe, home, "sft").rows.height == 1
    assert _select(recipe, home, "dpo").rows.height == 1


def test_dedup_runs_against_rows_higher_sources_kept_not_their_candidates(home):
    write_source(home, "high", instructions=instructions("high", [_conv(i) for i in range(10)]))
    write_source(home, "low", instructions=instructions("low", [_conv(i, "low") for i in range(10)]))
    recipe = make_recipe({"high": {"priority": 1, "cap": 4}, "low": {"priority": 2}})
    sel = _select(recipe, home)
    assert sel.stats["high"].selected == 4 and sel.stats["high"].sampled_out == 6
    assert sel.stats["low"].duplicates_cross == 4 and sel.stats["low"].selected == 6
    assert sel.rows["id"].n_unique() == 10


def test_decontamination_removes_ids_everywhere_and_is_counted(home):
    rows = instructions("a", [_conv(i) for i in range(6)])
    write_source(home, "a", instructions=rows, texts=texts("a", ["some text"]))
    write_removals(home, [rows["id"][0], rows["id"][3], "not-an-id"])
    recipe = make_recipe({"a": {}}, decontamination=True)
    removals = load_removals(recipe, Layout(home))
    sel = _select(recipe, home, removals=removals)
    assert sel.stats["a"].decontaminated == 2 and sel.rows.height == 5
    assert not set(sel.rows["id"]) & {rows["id"][0], rows["id"][3]}


def test_removals_required_when_enabled_ignored_when_disabled(home):
    write_source(home, "a", instructions=instructions("a", [_conv(0)]))
    with pytest.raises(MixInputError, match="matches.parquet"):
        load_removals(make_recipe({"a": {}}, decontamination=True), Layout(home))
    write_removals(home, ["x"])
    assert load_removals(make_recipe({"a": {}}, decontamination=False), Layout(home)) is None


def test_missing_normalized_part_is_a_clear_error(home):
    write_source(home, "a", instructions=instructions("a", [_conv(0)]))
    recipe = make_recipe({"a": {}, "never_built": {}})
    with pytest.raises(MixInputError, match="never_built"):
        _select(recipe, home)


def test_default_cap_rule_and_recipe_caps(home):
    write_source(home, "big", instructions=instructions("big", [_conv(i) for i in range(30)]))
    write_source(home, "small", instructions=instructions("small", [_conv(100 + i) for i in range(29)]))
    write_source(home, "capped", instructions=instructions("capped", [_conv(200 + i) for i in range(29)]))
    recipe = make_recipe({"big": {}, "small": {}, "capped": {"cap": 7}}, default_cap={"threshold": 30, "cap": 12})
    sel = _select(recipe, home)
    assert {n: (s.cap, s.selected) for n, s in sel.stats.items()} == {"big": (12, 12), "small": (None, 29), "capped": (7, 7)}


def test_sampling_is_seeded_nested_and_weighted(home):
    write_source(home, "a", instructions=instructions("a", [_conv(i) for i in range(200)]))

    def ids_for(seed: int = 7, **spec) -> set[str]:
        return set(_select(make_recipe({"a": spec}, seed=seed), home).rows["id"])

    small, large = ids_for(cap=20), ids_for(cap=60)
    assert len(small) == 20 and len(large) == 60 and small < large
    assert ids_for(cap=20) == small
    assert ids_for(cap=20, seed=8) != small
    assert len(ids_for(cap=60, weight=0.5)) == 30
    assert len(ids_for(weight=0.25)) == 50
    assert len(ids_for(cap=60, weight=2.0)) == 120


def test_target_size_never_repeats_rows():
    assert target_size(10, None, 3.0) == 10
    assert target_size(100, 40, 1.5) == 60
    assert target_size(100, None, 0.0) == 0
    with pytest.raises(ValueError):
        target_size(10, None, -1)


def test_stratified_cap_on_very_unequal_strata_keeps_small_strata_whole(home):
    sizes = {"tiny": 2, "small": 9, "medium": 40, "huge": 900}
    convs, cats = [], []
    for cat, n in sizes.items():
        convs += [conversation(f"{cat} task {i}", "x") for i in range(n)]
        cats += [cat] * n
    write_source(home, "ni", instructions=instructions("ni", convs, category=cats))
    recipe = make_recipe({"ni": {"cap": 100, "stratify_by": "task_name"}})
    sel = _select(recipe, home)
    got = dict(sel.rows.group_by("category").len().iter_rows())
    assert got == {"tiny": 2, "small": 9, "medium": 40, "huge": 49}  # water-filling: 2+9+40 kept, huge gets the rest
    unstratified = _select(make_recipe({"ni": {"cap": 100}}), home)
    assert dict(unstratified.rows.group_by("category").len().iter_rows()).get("huge", 0) > 80  # plain random sampling
    proportional = _select(make_recipe({"ni": {"cap": 100, "stratify_by": "task_name"}}, mix={"stratify": "proportional"}), home)
    assert dict(proportional.rows.group_by("category").len().iter_rows()) == {"medium": 4, "huge": 95, "small": 1}


def test_allocate_balanced_and_proportional():
    coins = np.array([0.9, 0.1, 0.5])
    assert allocate(np.array([10, 10, 10]), 11, "balanced", coins).tolist() == [3, 4, 4]  # leftovers by lowest coin
    assert allocate(np.array([1, 50, 3]), 20, "balanced", coins).tolist() == [1, 16, 3]
    assert allocate(np.array([10, 30, 60]), 10, "proportional", coins).tolist() == [1, 3, 6]
    assert allocate(np.array([5, 5]), 99, "balanced", coins[:2]).tolist() == [5, 5]
    q = allocate(np.arange(1, 300), 1234, "balanced", np.linspace(0, 1, 299))
    assert q.sum() == 1234 and (q <= np.arange(1, 300)).all()
