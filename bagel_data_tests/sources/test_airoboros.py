"""airoboros: ShareGPT rows named airoboros_<category>, malformed rows set aside, and the
"rewrites" DPO pairs against the older airoboros-gpt4-m2.0 instructions."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert


def _by_key(frame: pl.DataFrame, index: int) -> dict:
    return frame.filter(pl.col("row_key") == f"airoboros-3.2.parquet:{index}").row(0, named=True)


def test_samples_convert_with_sources_per_category(sample_settings):
    parts = convert("airoboros", sample_settings)
    rows = parts["instructions"]
    assert rows.height == 17
    assert sorted(parts["rejects"]["reason"].to_list()) == [
        "filter: duplicate instruction",
        "malformed: empty rejected",
        "malformed: empty turn",
        "malformed: invalid JSON (Expecting value)",
        "malformed: missing category",
        "malformed: no conversation",
        "malformed: wrong role order",
        "malformed: wrong role order",
        "malformed: wrong role order",
    ]
    first = _by_key(rows, 0)
    assert (first["source"], first["category"], first["system"]) == ("airoboros_general", "general", "A chat.")
    assert first["conversation"] == [
        {"role": "user", "content": "Give me three tips for keeping houseplants alive."},
        {"role": "assistant", "content": "1. Water only when the top inch of soil is dry.\n2. Match the plant to the light you have.\n3. Use pots with drainage holes."},
    ]
    assert _by_key(rows, 19)["system"] == "You are Mr. Darcy. Stay in character."
    assert set(rows["source"]) >= {"airoboros_writing", "airoboros_roleplay", "airoboros_slimorca_multiturn", "airoboros_mathjson"}
    assert rows["id"].n_unique() == rows.height


def test_multi_turn_stays_multi_turn(sample_settings):
    rows = convert("airoboros", sample_settings)["instructions"]
    turns = _by_key(rows, 7)["conversation"]
    assert [t["role"] for t in turns] == ["user", "assistant", "user", "assistant"]
    assert turns[2]["content"] == "And on top of Mount Everest?"


def test_rewrite_pairs_choose_the_longer_new_response(sample_settings):
    parts = convert("airoboros", sample_settings)
    pairs = parts["preferences"]
    assert pairs.select("prompt", "rejected", "source").rows() == [
        ("Write a short poem about autumn rain.", "Rain falls on leaves.", "airoboros_writing"),
        # the old set answers this twice: the later answer is the one compared
        ("You are a pirate captain. Greet your new crew.", "Welcome, mates.", "airoboros_roleplay"),
    ]
    assert pairs["chosen"][0].startswith("Autumn rain on copper leaves,\n")
    assert pairs["system"].null_count() == 2
    # the pair rows stay SFT rows too
    assert set(pairs["row_key"]) <= set(parts["instructions"]["row_key"])
    # an old answer that is empty makes no pair
    bad = parts["rejects"].filter(pl.col("reason") == "malformed: empty rejected")
    assert bad["row_key"].to_list() == ["airoboros-3.2.parquet:22"]


def test_rewrite_categories_come_from_the_recipe(sample_settings):
    pairs = convert("airoboros", sample_settings, options={"rewrite_categories": ["roleplay"]})["preferences"]
    assert pairs["prompt"].to_list() == ["You are a pirate captain. Greet your new crew."]
    pairs = convert("airoboros", sample_settings, options={"rewrite_categories": ["writing", "roleplay", "general"]})["preferences"]
    general = pairs.filter(pl.col("source") == "airoboros_general")
    assert general.select("prompt", "rejected").rows() == [("Give me three tips for keeping houseplants alive.", "Water.")]


def test_rewrite_match_is_the_originals_unless_loose(sample_settings):
    rain = "Write a short poem about autumn rain."
    exact = dict(convert("airoboros", sample_settings)["preferences"].select("prompt", "rejected").rows())
    assert exact[rain] == "Rain falls on leaves.", "lowercased and stripped only: the double-spaced old instruction is another one"
    loose = convert("airoboros", sample_settings, options={"rewrite_categories": ["writing", "roleplay"], "rewrite_match": "loose"})
    assert dict(loose["preferences"].select("prompt", "rejected").rows())[rain] == "Drip."
