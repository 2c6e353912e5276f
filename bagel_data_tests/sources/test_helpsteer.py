"""helpsteer: per-prompt pairing on the samples; every upstream row is paired or rejected."""

from __future__ import annotations

import dataclasses

import polars as pl

from bagel_data_tests.helpers import convert

KEY = "train.jsonl.gz:{}"


def test_samples_pairs_and_accounting(sample_settings):
    parts = convert("helpsteer", sample_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]
    assert pairs["row_key"].to_list() == [KEY.format(i) for i in (1, 14, 17, 22, 24)]
    assert 2 * pairs.height + rejects.height == 25, "every upstream row is in a pair or in rejects"
    assert dict(zip(*rejects.group_by("reason").len().sort("reason").to_dict().values())) == {
        "filter: best response not fully correct": 2,
        "filter: fewer than 2 responses": 1,
        "filter: identical pair": 2,
        "filter: no lower-scoring response": 2,
        "filter: refusal": 2,
        "filter: unpaired response": 3,
        "malformed: correctness not an integer": 1,
        "malformed: empty prompt": 1,
        "malformed: empty response": 1,
    }


def test_best_is_chosen_and_worst_rejected(sample_settings):
    pairs = convert("helpsteer", sample_settings)["preferences"]
    bottle = pairs.row(0, named=True)
    assert bottle["prompt"] == "Write a short product description for a reusable water bottle."
    assert bottle["chosen"].startswith("Stay hydrated in style") and bottle["rejected"] == "A bottle for water. It is reusable."
    german = pairs.filter(pl.col("row_key") == KEY.format(17)).row(0, named=True)
    assert (german["chosen"], german["rejected"]) == ("Danke.", "Gracias."), "malformed rows drop out before ranking"
    tea = pairs.filter(pl.col("row_key") == KEY.format(24)).row(0, named=True)
    assert tea["prompt"] == "Write a paragraph about the history of tea." and tea["rejected"] == "Tea is a drink.", "prompts match ignoring surrounding whitespace"


def test_tie_for_best_is_broken_by_a_seeded_coin(sample_settings, recipe):
    chosen = set()
    for seed in range(8):
        pairs = convert("helpsteer", sample_settings, recipe=dataclasses.replace(recipe, seed=seed))["preferences"]
        haiku = pairs.filter(pl.col("prompt") == "Explain what a haiku is.")
        assert haiku["rejected"][0] == "A haiku is a type of song."
        chosen.add(haiku["row_key"][0])
        again = convert("helpsteer", sample_settings, recipe=dataclasses.replace(recipe, seed=seed))["preferences"]
        assert again.equals(pairs)
    assert chosen == {KEY.format(13), KEY.format(14)}


def test_chosen_correctness_is_a_recipe_option(sample_settings):
    parts = convert("helpsteer", sample_settings, options={"chosen_correctness": 3, "score_fields": ["helpfulness", "correctness", "coherence", "complexity", "verbosity"]})
    assert parts["preferences"]["prompt"].to_list() == ["What year did the first moon landing happen?"]
