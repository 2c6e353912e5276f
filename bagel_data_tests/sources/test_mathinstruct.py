"""mathinstruct: the JSON-array sample converts with the sub-dataset as category (no public copy
outside the hub exists, so only the sample in the hub's documented schema is tested)."""

from __future__ import annotations

import polars as pl

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data_tests.helpers import convert


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["mathinstruct"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 21
    assert rows.height == 17
    assert sorted(rejects["reason"].to_list()) == ["filter: duplicate instruction", "malformed: empty instruction", "malformed: empty output", "malformed: no source"]
    assert rows.group_by("category").len().sort("category").rows() == [
        ("data/CoT/aqua_rat.json", 4),
        ("data/CoT/gsm_rft.json", 5),
        ("data/CoT/math50k_camel.json", 5),
        ("data/PoT/mathqa.json", 3),
    ]
    assert rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == ["MathInstruct.json:3"]


def test_rendered_conversation(sample_settings):
    rows = convert("mathinstruct", sample_settings)["instructions"]
    pot = rows.filter(pl.col("row_key") == "MathInstruct.json:13")["conversation"][0]
    assert pot[0]["content"] == "what is 12 % of 250 ?"
    assert pot[1]["content"] == "n0 = 12.0\nn1 = 250.0\nanswer = n0 * n1 / 100.0\nprint(answer)"
    latex = rows.filter(pl.col("row_key") == "MathInstruct.json:16")["conversation"][0]
    assert latex[0]["content"] == "Compute $\\sum_{k=1}^{10} k$." and latex[1]["content"] == "$\\frac{10 \\cdot 11}{2} = 55$."
