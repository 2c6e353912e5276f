"""Format expansion through the mix: multi-turn counts and ids, k-of-n coverage, text rows, DPO."""

from __future__ import annotations

import polars as pl

from bagel_data.formats.templates import render_completion, render_dpo_prompt, render_prompt
from bagel_data.mix import build_product
from bagel_data_tests.mix.crafted import conversation, instructions, make_recipe, preferences, texts, write_source

FORMATS = ["alpaca", "vicuna", "chatml", "llama2"]


def _read(report) -> pl.DataFrame:
    return pl.read_parquet(report.folder / "part-*.parquet")


def test_multi_turn_rows_one_per_assistant_turn_with_history(home):
    convs = [conversation("u1", "a1", "u2", "a2", "u3", "a3"), conversation("single", "answer")]
    rows = instructions("chat", convs, system=["Be terse.", None])
    write_source(home, "chat", instructions=rows)
    out = _read(build_product(make_recipe({"chat": {}}), home, "sft"))
    assert out.height == (3 + 1) * 4
    multi = rows["id"][0]
    assert sorted(out.filter(pl.col("id").str.starts_with(multi))["id"].unique()) == [multi, f"{multi}#1", f"{multi}#2"]
    third = out.filter((pl.col("id") == f"{multi}#2") & (pl.col("format") == "vicuna")).row(0, named=True)
    assert third["prompt"] == render_prompt("vicuna", "Be terse.", [("u1", "a1"), ("u2", "a2")], "u3")
    assert third["completion"] == render_completion("vicuna", "a3")
    assert [m["content"] for m in third["messages"]] == ["Be terse.", "u1", "a1", "u2", "a2", "u3", "a3"]
    assert out.group_by("format").len()["len"].to_list() == [4, 4, 4, 4]


def test_k_of_4_formats_cover_each_source_evenly(home):
    """Each row's k formats come from its own coin: every format covers k/n of every source up to
    sampling error (within four standard deviations here), as the original's shuffled chunks."""
    n_a, n_b = 403, 37
    write_source(home, "a", instructions=instructions("a", [conversation(f"a{i}", "x") for i in range(n_a)]))
    write_source(home, "b", instructions=instructions("b", [conversation(f"b{i}", "y") for i in range(n_b)]))
    for k in (1, 2, 3):
        out = _read(build_product(make_recipe({"a": {}, "b": {}}, mix={"formats_per_row": k}), home, "sft"))
        per_row = out.group_by("id").agg(pl.col("format").n_unique().alias("n"), pl.len().alias("rows"))
        assert (per_row["n"] == k).all() and (per_row["rows"] == k).all()
        for source, n in (("a", n_a), ("b", n_b)):
            counts = out.filter(pl.col("source") == source).group_by("format").len()
            assert sorted(counts["format"]) == sorted(FORMATS)
            expected, sd = n * k / 4, (n * (k / 4) * (1 - k / 4)) ** 0.5
            assert (abs(counts["len"] - expected) <= 4 * sd + 1).all(), (k, source, counts)
            assert counts["len"].sum() == n * k


def test_a_rows_formats_do_not_depend_on_other_rows(home):
    """Adding rows to a source leaves the formats (and shuffle keys) of the rows already there as
    they were: a changed upstream row changes only its own output rows."""
    rows = [conversation(f"a{i}", "x") for i in range(60)]
    write_source(home, "a", instructions=instructions("a", rows))
    before = _read(build_product(make_recipe({"a": {}}), home, "sft")).select("id", "format").sort("id", "format")
    write_source(home, "a", instructions=instructions("a", rows + [conversation(f"new{i}", "y") for i in range(25)]))
    after = _read(build_product(make_recipe({"a": {}}), home, "sft")).select("id", "format")
    assert after.join(before.select("id").unique(), on="id", how="semi").sort("id", "format").equals(before)


def test_text_rows_pass_through_as_completion_only(home):
    write_source(home, "books", texts=texts("books", ["Chapter one.\nIt was a dark night.", "Chapter two."]))
    out = _read(build_product(make_recipe({"books": {}}), home, "sft"))
    assert out["format"].to_list() == ["text", "text"]
    assert set(out["prompt"]) == {""}
    assert set(out["completion"]) == {"Chapter one.\nIt was a dark night.", "Chapter two."}
    assert out["messages"][0].to_list()[0]["role"] == "assistant"


def test_dpo_pairs_expand_into_k_formats(home):
    pairs = [(f"prompt {i}", f"good {i}", f"bad {i}") for i in range(10)]
    write_source(home, "pairs", preferences=preferences("pairs", pairs, system=["sys"] * 10))
    out = _read(build_product(make_recipe({"pairs": {}}, mix={"dpo_formats_per_row": 2, "dpo_system": True}), home, "dpo"))
    assert out.height == 20
    assert out.group_by("id").len()["len"].to_list() == [2] * 10
    row = out.filter(pl.col("format") == "llama2").row(0, named=True)
    i = row["prompt"].split("prompt ")[1].split(" ")[0]
    assert row["prompt"] == render_dpo_prompt("llama2", "sys", f"prompt {i}")  # mix.dpo_system: the pair's own system prompt
    assert (row["chosen"], row["rejected"]) == (f" good {i}", f" bad {i}")  # raw answers behind llama-2's boundary space
