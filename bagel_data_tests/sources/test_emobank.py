"""emobank: only train rows convert, V/A/D become a JSON object of numbers, dangling quote marks
from sentence splitting are removed; the real emobank.csv (10,062 rows) converts via a mirror."""

from __future__ import annotations

import json
import shutil

import polars as pl

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.emobank import PROMPT
from bagel_data_tests.helpers import convert

CSV = "corpus/emobank.csv"


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["emobank"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 26
    assert rows.height == 17
    assert sorted(rejects["reason"].to_list()) == [
        "filter: duplicate instruction",
        "filter: split is not train",
        "filter: split is not train",
        "filter: split is not train",
        "malformed: V/A/D not a number",
        "malformed: V/A/D outside 1-5",
        "malformed: empty text",
        "malformed: empty text",
        "malformed: no letters or digits in text",
    ]
    assert rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == [f"{CSV}:15"]


def test_rendered_json_and_quote_cleanup(sample_settings):
    rows = convert("emobank", sample_settings)["instructions"]
    convs = {k: c for k, c in zip(rows["row_key"], rows["conversation"].to_list())}
    first = convs[f"{CSV}:2"]
    assert first[0]["content"] == PROMPT + "Remember what she told me last spring?"
    assert first[1]["content"] == '{\n  "V": 3.0,\n  "A": 3.0,\n  "D": 3.2\n}'
    assert json.loads(convs[f"{CSV}:4"][1]["content"]) == {"V": 3.44, "A": 3.0, "D": 3.22}
    assert convs[f"{CSV}:8"][0]["content"] == PROMPT + 'The report calls the program "uniquely effective."', "balanced quotes stay"
    assert convs[f"{CSV}:9"][0]["content"] == PROMPT + "You can start again.", "a dangling opening quote goes"
    assert convs[f"{CSV}:13"][0]["content"] == PROMPT + "Café au lait and croissants — the perfect Sunday ☕."


def test_real_emobank_csv_through_mirror(realdata, mirror, mirror_settings):
    target = mirror / "JULIELab" / "EmoBank" / CSV
    target.parent.mkdir(parents=True)
    shutil.copyfile(realdata / "emobank" / "emobank.csv", target)
    parts = convert("emobank", mirror_settings)
    out, rejects = parts["instructions"], parts["rejects"]
    reasons = dict(rejects.group_by("reason").len().rows())
    assert reasons == {
        "filter: split is not train": 2000,
        "malformed: no letters or digits in text": 5,
        "malformed: empty text": 1,
        "filter: duplicate instruction": 114,
    }
    assert out.height == 8062 - 6 - 114
    first = out.filter(pl.col("row_key") == f"{CSV}:2")["conversation"][0]
    assert first[0]["content"] == PROMPT + "Remember what she said in my last letter?"
    assert json.loads(first[1]["content"]) == {"V": 3.0, "A": 3.0, "D": 3.2}
    scores = out["conversation"].list.get(1).struct.field("content").map_elements(lambda s: sorted(json.loads(s)), return_dtype=pl.List(pl.String))
    assert scores.list.join(",").unique().to_list() == ["A,D,V"]
