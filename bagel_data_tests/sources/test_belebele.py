"""belebele: every language file converts, language is the category, and the per-language cap
keeps a coin-ranked subset and reports the rest; the real English file (all values strings
except question_number) converts as the hub's data/eng_Latn.jsonl."""

from __future__ import annotations

import json
import shutil

import polars as pl

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.belebele import CAP_REASON
from bagel_data_tests.helpers import convert

MALFORMED = [
    "malformed: correct_answer_num not 1-4",
    "malformed: empty correct answer",
    "malformed: empty passage",
    "malformed: empty question",
]


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["belebele"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 26
    assert rows.height == 21
    assert sorted(rejects["reason"].to_list()) == ["filter: duplicate instruction"] + MALFORMED
    assert rows.group_by("category").len().sort("category").rows() == [("eng_Latn", 10), ("fra_Latn", 6), ("zho_Hans", 5)]
    assert rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == ["data/eng_Latn.jsonl:9"]


def test_rendered_conversation(sample_settings):
    rows = convert("belebele", sample_settings)["instructions"]
    conv = rows.filter(pl.col("row_key") == "data/zho_Hans.jsonl:2")["conversation"][0]
    assert conv[0]["content"].endswith("\n夜车几点到达海边？")
    assert conv[0]["content"].startswith("The night train leaves the capital")
    assert conv[1]["content"] == "早上七点"
    integer_number = rows.filter(pl.col("row_key") == "data/eng_Latn.jsonl:10")["conversation"][0]
    assert integer_number[1]["content"] == "In cities"


def test_per_language_cap(sample_settings):
    parts = convert("belebele", sample_settings, options={"per_language": 3})
    rows, rejects = parts["instructions"], parts["rejects"]
    assert rows.group_by("category").len().sort("category").rows() == [("eng_Latn", 3), ("fra_Latn", 3), ("zho_Hans", 3)]
    capped = rejects.filter(pl.col("reason") == CAP_REASON)
    assert capped.height == 7 + 3 + 2 and capped["raw"].null_count() == capped.height
    assert sorted(rejects.filter(pl.col("reason") != CAP_REASON)["reason"].to_list()) == ["filter: duplicate instruction"] + MALFORMED
    again = convert("belebele", sample_settings, options={"per_language": 3})["instructions"]
    assert again["row_key"].to_list() == rows["row_key"].to_list()


def test_real_english_file_through_mirror(realdata, mirror, mirror_settings):
    target = mirror / "facebook" / "belebele" / "data" / "eng_Latn.jsonl"
    target.parent.mkdir(parents=True)
    shutil.copyfile(realdata / "belebele" / "belebele_eng.jsonl", target)
    parts = convert("belebele", mirror_settings)
    out, rejects = parts["instructions"], parts["rejects"]
    assert out.height == 300 and rejects["reason"].to_list() == [CAP_REASON] * 600
    assert out["category"].unique().to_list() == ["eng_Latn"]
    items = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    key = out["row_key"][0]
    item = items[int(key.rsplit(":", 1)[1]) - 1]
    conv = out["conversation"][0]
    assert conv[0]["content"] == item["flores_passage"].strip() + "\n" + item["question"].strip()
    assert conv[1]["content"] == item[f"mc_answer{item['correct_answer_num']}"].strip()
