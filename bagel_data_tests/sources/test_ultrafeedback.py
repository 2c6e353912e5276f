"""ultrafeedback: samples (train_gen parquet with message lists) convert with every rule applied."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

KEY = "data/train_gen-00000-of-00001.parquet:{}"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("ultrafeedback", sample_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]
    assert pairs.height == 11
    assert rejects.select("row_key", "reason").rows() == [
        (KEY.format(12), "filter: score_chosen below 8"),
        (KEY.format(13), "malformed: no score_chosen"),
        (KEY.format(14), "malformed: empty chosen"),
        (KEY.format(15), "filter: identical pair"),
        (KEY.format(16), "filter: refusal"),
        (KEY.format(17), "filter: not a single exchange"),
        (KEY.format(18), "filter: not a single exchange"),
        (KEY.format(19), "filter: not a single exchange"),
        (KEY.format(20), "filter: identical pair"),  # "Cold." / "cold.": the original compared ignoring case
        (KEY.format(10), "filter: duplicate prompt"),
    ]


def test_pair_text_comes_from_the_assistant_turns(sample_settings):
    pairs = convert("ultrafeedback", sample_settings)["preferences"]
    limerick = pairs.filter(pl.col("row_key") == KEY.format(2)).row(0, named=True)
    assert limerick["prompt"] == "Write a limerick about a cat."
    assert limerick["chosen"].splitlines()[0] == "A cat with a taste for the cream" and limerick["rejected"] == "Cats are nice."
    assert limerick["system"] is None
    assert pairs.filter(pl.col("row_key") == KEY.format(8)).height == 1, "a score of exactly 8 is kept"


def test_threshold_is_a_recipe_option(sample_settings):
    parts = convert("ultrafeedback", sample_settings, options={"min_score_chosen": 9})
    below = parts["rejects"].filter(pl.col("reason") == "filter: score_chosen below 9")["row_key"]
    assert below.to_list() == [KEY.format(i) for i in (1, 2, 6, 8, 11, 12, 14)]
    assert parts["preferences"]["row_key"].to_list() == [KEY.format(i) for i in (0, 3, 4, 5, 7, 9, 10)], "row 10 is no longer a repeat"
