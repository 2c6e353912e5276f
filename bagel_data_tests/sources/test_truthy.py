"""truthy: samples (truthy-dpo.parquet) convert; identical pairs and malformed rows are set aside."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

KEY = "truthy-dpo.parquet:{}"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("truthy", sample_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]
    assert pairs.height == 16
    assert rejects.select("row_key", "reason").rows() == [
        (KEY.format(17), "filter: identical pair"),
        (KEY.format(18), "malformed: empty chosen"),
        (KEY.format(19), "malformed: empty rejected"),
        (KEY.format(12), "filter: duplicate prompt"),
    ]


def test_same_prompt_under_another_system_prompt_is_another_pair(sample_settings):
    pairs = convert("truthy", sample_settings)["preferences"]
    brains = pairs.filter(pl.col("prompt") == "Do we only use 10% of our brains?")
    assert brains["row_key"].to_list() == [KEY.format(0), KEY.format(13)]
    assert brains["system"][1].startswith("You are Dr. Elena Marsh") and brains["chosen"][1] == "As a biologist: no, that's a myth."
    assert pairs.filter(pl.col("row_key") == KEY.format(9))["system"][0] is None
