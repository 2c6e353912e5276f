"""truthy: samples (truthy-dpo.parquet) convert; identical pairs and malformed rows are set aside;
as the original bagel code, the prompt goes without its system prompt and repeats stay (recipe
switches keep_system / dedupe)."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

KEY = "truthy-dpo.parquet:{}"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("truthy", sample_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]
    assert pairs.height == 18 and pairs["id"].n_unique() == 18
    # as the original (`chosen != rejected`, texts unchanged): answers differing only in whitespace are a pair
    padded = pairs.filter(pl.col("row_key") == KEY.format(17)).row(0, named=True)
    assert (padded["chosen"], padded["rejected"]) == ("Measured from sea level, yes.", "Measured from sea level, yes.   ")
    assert rejects.select("row_key", "reason").rows() == [
        (KEY.format(18), "malformed: empty chosen"),
        (KEY.format(19), "malformed: empty rejected"),
    ]


def test_prompt_without_system_as_the_original(sample_settings):
    pairs = convert("truthy", sample_settings)["preferences"]
    assert pairs["system"].null_count() == pairs.height
    brains = pairs.filter(pl.col("prompt") == "Do we only use 10% of our brains?")
    assert brains["row_key"].to_list() == [KEY.format(0), KEY.format(12), KEY.format(13)], "repeats stay"
    assert brains["chosen"][2] == "As a biologist: no, that's a myth."


def test_switches_keep_system_and_dedupe(sample_settings):
    parts = convert("truthy", sample_settings, options={"keep_system": True, "dedupe": True})
    pairs = parts["preferences"]
    brains = pairs.filter(pl.col("prompt") == "Do we only use 10% of our brains?")
    assert brains["row_key"].to_list() == [KEY.format(0), KEY.format(13)], "another system prompt: another pair"
    assert brains["system"][1].startswith("You are Dr. Elena Marsh")
    assert pairs.filter(pl.col("row_key") == KEY.format(9))["system"][0] is None
    assert parts["rejects"].filter(pl.col("reason") == "filter: duplicate prompt")["row_key"].to_list() == [KEY.format(12)]
