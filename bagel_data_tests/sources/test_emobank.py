"""emobank: only train rows convert, V/A/D become the original's JSON of the CSV's strings, trailing
quote marks go as the original stripped them, repeats stay; the real emobank.csv (10,062 rows)
converts row for row as the original bagel code did (checked against a reference written here with
Python's csv and json modules), and the recipe switches restore the earlier behaviour."""

from __future__ import annotations

import csv
import json
import shutil

import polars as pl

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.emobank import PROMPT
from bagel_data_tests.helpers import convert

CSV = "corpus/emobank.csv"
OURS = {"vad_as": "numbers", "quote_cleanup": "dangling", "drop_textless": True, "dedupe": True}


def _by_key(rows: pl.DataFrame) -> dict:
    return {k: c for k, c in zip(rows["row_key"], rows["conversation"].to_list())}


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["emobank"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 26
    assert rows.height == 19
    assert sorted(rejects["reason"].to_list()) == [
        "filter: split is not train",
        "filter: split is not train",
        "filter: split is not train",
        "malformed: V/A/D not a number",
        "malformed: V/A/D outside 1-5",
        "malformed: empty text",
        "malformed: empty text",
    ]
    assert rows["id"].n_unique() == rows.height


def test_scores_are_the_csv_strings_and_trailing_quotes_go(sample_settings):
    convs = _by_key(convert("emobank", sample_settings)["instructions"])
    first = convs[f"{CSV}:2"]
    assert first[0]["content"] == PROMPT + "Remember what she told me last spring?"
    assert first[1]["content"] == '{\n  "V": "3.0",\n  "A": "3.0",\n  "D": "3.2"\n}'
    assert json.loads(convs[f"{CSV}:4"][1]["content"]) == {"V": "3.44", "A": "3.0", "D": "3.22"}
    assert convs[f"{CSV}:8"][0]["content"] == PROMPT + 'The report calls the program "uniquely effective.', "every trailing quote goes"
    assert convs[f"{CSV}:9"][0]["content"] == PROMPT + '"You can start again.', "a leading quote stays"
    assert convs[f"{CSV}:27"][0]["content"] == PROMPT + "!", "punctuation-only text is kept"
    assert convs[f"{CSV}:15"][0]["content"] == convs[f"{CSV}:12"][0]["content"], "a repeated sentence stays"


def test_switches_restore_numbers_balanced_quotes_and_dedup(sample_settings):
    parts = convert("emobank", sample_settings, options={"split": "train", **OURS})
    convs = _by_key(parts["instructions"])
    assert convs[f"{CSV}:2"][1]["content"] == '{\n  "V": 3.0,\n  "A": 3.0,\n  "D": 3.2\n}'
    assert convs[f"{CSV}:8"][0]["content"] == PROMPT + 'The report calls the program "uniquely effective."', "balanced quotes stay"
    assert convs[f"{CSV}:9"][0]["content"] == PROMPT + "You can start again.", "a dangling opening quote goes"
    reasons = parts["rejects"].group_by("reason").len()
    assert dict(reasons.rows())["filter: duplicate instruction"] == 1
    assert dict(reasons.rows())["filter: no letters or digits in text"] == 1


def _original_rows(path) -> list[tuple[int, str, str]]:
    """(line, user turn, assistant turn) of every train row, as bagel v0.2 built them."""
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for line, item in enumerate(csv.DictReader(f), start=2):
            if item["split"] != "train":
                continue
            text = item["text"].strip().rstrip('"').rstrip()
            out.append((line, PROMPT + text, json.dumps({"V": item["V"], "A": item["A"], "D": item["D"]}, indent=2)))
    return out


def test_real_emobank_csv_matches_the_original_row_for_row(realdata, mirror, mirror_settings):
    target = mirror / "JULIELab" / "EmoBank" / CSV
    target.parent.mkdir(parents=True)
    shutil.copyfile(realdata / "emobank" / "emobank.csv", target)
    parts = convert("emobank", mirror_settings)
    out, rejects = parts["instructions"], parts["rejects"]
    assert dict(rejects.group_by("reason").len().rows()) == {"filter: split is not train": 2000, "malformed: empty text": 1}
    expected = [r for r in _original_rows(target) if r[1] != PROMPT]
    assert len(expected) == 8062 - 1 == out.height
    ours = _by_key(out)
    assert [(line, *(t["content"] for t in ours[f"{CSV}:{line}"])) for line, _, _ in expected] == expected
    assert out["id"].n_unique() == out.height
