"""Selection as the original took rows: descending priority, own sampling, cross-source dedup over
one id space, the default cap after it, decontamination; weights and strata; the trace."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from bagel_data.mix.config import mix_config
from bagel_data.mix.sampling import allocate, target_size
from bagel_data.mix.select import MixInputError, fidelity_report, load_removals, select_rows
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
    recipe = make_recipe({"low": {"priority": 1}, "mid": {"priority": 2}, "high": {"priority": 3}})  # 3 is taken first
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


def test_exempt_sources_keep_prompts_others_already_have_and_add_none(home):
    pairs = [(f"prompt {i}", f"good {i}", f"bad {i}") for i in range(4)]
    write_source(home, "helpful", preferences=preferences("helpful", pairs))
    write_source(home, "truthy", preferences=preferences("truthy", pairs))
    write_source(home, "other", preferences=preferences("other", pairs[:2] + [("prompt 9", "g", "b")]))
    recipe = make_recipe(
        {"truthy": {"priority": 3, "dpo_only": True}, "helpful": {"priority": 2}, "other": {"priority": 1}},
        mix={"exempt_from_dedup": ["truthy"]},
    )
    sel = _select(recipe, home, "dpo")
    assert sel.stats["truthy"].exempt and sel.stats["truthy"].selected == 4
    assert sel.stats["helpful"].selected == 4, "truthy took first but added no ids"
    assert sel.stats["other"].selected == 1 and sel.stats["other"].duplicates_cross == 2
    assert sel.dedup_drops.to_dicts() == [{"dropped": "other", "kept_by": "helpful", "rows": 2}]


def test_sft_and_dpo_share_one_id_space_unless_the_recipe_says_otherwise(home):
    write_source(home, "chat", instructions=instructions("chat", [conversation("same prompt", "answer"), conversation("only sft", "x")]))
    write_source(home, "pairs", preferences=preferences("pairs", [("same prompt", "good", "bad"), ("only dpo", "g", "b")]))
    recipe = make_recipe({"chat": {"priority": 3}, "pairs": {"priority": 2}})
    dpo = _select(recipe, home, "dpo")
    assert dpo.rows.height == 1 and dpo.dedup_drops.to_dicts() == [{"dropped": "pairs", "kept_by": "chat", "rows": 1}]
    assert _select(recipe, home, "sft").rows.height == 2
    separate = make_recipe({"chat": {"priority": 3}, "pairs": {"priority": 2}}, mix={"shared_id_space": False})
    assert _select(separate, home, "dpo").rows.height == 2


def test_the_second_product_reads_the_shared_trace_back_and_changed_inputs_trace_again(home, monkeypatch):
    from bagel_data.mix import select

    write_source(home, "chat", instructions=instructions("chat", [conversation("same prompt", "answer"), conversation("only sft", "x")]))
    write_source(home, "pairs", preferences=preferences("pairs", [("same prompt", "good", "bad"), ("only dpo", "g", "b")]))
    recipe = make_recipe({"chat": {"priority": 3}, "pairs": {"priority": 2}})
    traced = []
    real = select.trace_rows
    monkeypatch.setattr(select, "trace_rows", lambda *a, **k: traced.append(1) or real(*a, **k))
    sft = _select(recipe, home, "sft")
    dpo = _select(recipe, home, "dpo")
    assert len(traced) == 1, "dpo read the trace sft wrote"
    assert dpo.trace.equals(sft.trace) and dpo.rows.height == 1
    assert len(list((Layout(home).cache_dir / "mix").glob("trace-*.parquet"))) == 1
    write_source(home, "pairs", preferences=preferences("pairs", [("another prompt", "good", "bad")]))
    assert _select(recipe, home, "dpo").rows["id"].to_list() != dpo.rows["id"].to_list()
    assert len(traced) == 2, "a changed part is traced again"
    monkeypatch.setattr(select, "code_digest", lambda modules: "another version of the selection code")
    _select(recipe, home, "dpo")
    assert len(traced) == 3, "a cached trace of other selection code is not read back"


def test_one_source_holding_a_row_in_both_parts_keeps_both(home):
    write_source(home, "src", instructions=instructions("src", [conversation("same prompt", "answer")]), preferences=preferences("src", [("same prompt", "good", "bad")]))
    recipe = make_recipe({"src": {}})
    assert _select(recipe, home, "sft").rows.height == 1
    assert _select(recipe, home, "dpo").rows.height == 1


def test_dedup_runs_against_rows_higher_sources_kept_not_their_candidates(home):
    write_source(home, "high", instructions=instructions("high", [_conv(i) for i in range(10)]))
    write_source(home, "low", instructions=instructions("low", [_conv(i, "low") for i in range(10)]))
    recipe = make_recipe({"high": {"priority": 2, "cap": 4}, "low": {"priority": 1}})
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


def test_default_cap_applies_after_each_sources_own_sampling(home):
    write_source(home, "big", instructions=instructions("big", [_conv(i) for i in range(30)]))
    write_source(home, "small", instructions=instructions("small", [_conv(100 + i) for i in range(29)]))
    write_source(home, "capped", instructions=instructions("capped", [_conv(200 + i) for i in range(29)]))
    write_source(home, "sampled", instructions=instructions("sampled", [_conv(300 + i) for i in range(50)]))
    recipe = make_recipe({"big": {}, "small": {}, "capped": {"cap": 7}, "sampled": {"cap": 40}}, default_cap={"threshold": 30, "cap": 12})
    sel = _select(recipe, home)
    got = {n: (s.sampled_out, s.default_capped, s.selected) for n, s in sel.stats.items()}
    # SlimOrca's case: its own 40-row sample still reaches the threshold, so the default rule cuts it too
    assert got == {"big": (0, 18, 12), "capped": (22, 0, 7), "sampled": (10, 28, 12), "small": (0, 0, 29)}


def test_ids_cut_by_the_default_cap_still_block_later_sources(home):
    write_source(home, "first", instructions=instructions("first", [_conv(i) for i in range(40)]))
    write_source(home, "second", instructions=instructions("second", [_conv(i, "other") for i in range(40)]))
    recipe = make_recipe({"first": {"priority": 3}, "second": {"priority": 2}}, default_cap={"threshold": 30, "cap": 12})
    sel = _select(recipe, home)
    assert sel.stats["first"].selected == 12 and sel.stats["second"].duplicates_cross == 40, "as in the original"


def test_trace_and_fidelity_report_add_up(home):
    rows = instructions("a", [_conv(i) for i in range(40)] + [_conv(0, "again")])
    write_source(home, "a", instructions=rows, texts=texts("a", ["a text"]))
    write_source(home, "b", instructions=instructions("b", [_conv(i, "b") for i in range(10, 20)]))
    recipe = make_recipe({"a": {"priority": 3, "cap": 35}, "b": {"priority": 1}}, default_cap={"threshold": 30, "cap": 25})
    removals = pl.Series([rows["id"][1], rows["id"][2]])
    sel = _select(recipe, home, removals=removals)
    report = fidelity_report(sel.trace, recipe, "sft").to_dicts()
    a, b = report
    assert (a["source"], a["rows_in"], a["after_duplicate_within"], a["after_own_sampling"]) == ("a", 42, 41, 35)
    assert a["after_default_cap"] == 25 and a["after_decontamination"] == sel.stats["a"].selected
    assert b["rows_in"] == 10 and b["after_duplicate_cross"] == 10 - sel.stats["b"].duplicates_cross
    assert sum(r["after_decontamination"] for r in report) == sel.rows.height


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
    recipe = make_recipe({"ni": {"cap": 100, "stratify_by": "task_name"}}, mix={"stratify": "balanced"})
    sel = _select(recipe, home)
    got = dict(sel.rows.group_by("category").len().iter_rows())
    assert got == {"tiny": 2, "small": 9, "medium": 40, "huge": 49}  # water-filling: 2+9+40 kept, huge gets the rest
    unstratified = _select(make_recipe({"ni": {"cap": 100}}), home)
    assert dict(unstratified.rows.group_by("category").len().iter_rows()).get("huge", 0) > 80  # plain random sampling
    proportional = _select(make_recipe({"ni": {"cap": 100, "stratify_by": "task_name"}}), home)  # the default, as the original
    assert dict(proportional.rows.group_by("category").len().iter_rows()) == {"medium": 4, "huge": 95, "small": 1}


def test_allocate_balanced_and_proportional():
    coins = np.array([0.9, 0.1, 0.5])
    assert allocate(np.array([10, 10, 10]), 11, "balanced", coins).tolist() == [3, 4, 4]  # leftovers by lowest coin
    assert allocate(np.array([1, 50, 3]), 20, "balanced", coins).tolist() == [1, 16, 3]
    assert allocate(np.array([10, 30, 60]), 10, "proportional", coins).tolist() == [1, 3, 6]
    assert allocate(np.array([5, 5]), 99, "balanced", coins[:2]).tolist() == [5, 5]
    q = allocate(np.arange(1, 300), 1234, "balanced", np.linspace(0, 1, 299))
    assert q.sum() == 1234 and (q <= np.arange(1, 300)).all()
