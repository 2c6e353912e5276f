"""natural_instructions: samples convert (task name as category, a broken JSON line a reject);
the real Super-NaturalInstructions task file converts after flattening it to the hub's rows."""

from __future__ import annotations

import json

import polars as pl

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data_tests.helpers import convert


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["natural_instructions"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 24, "the unparsable line counts as read"
    assert rows.height == 18
    assert sorted(rejects["reason"].to_list()) == [
        "filter: duplicate instruction",
        "filter: duplicate instruction",
        "malformed: empty definition",
        "malformed: empty inputs",
        "malformed: empty targets",
        "malformed: invalid JSON (Unterminated string starting at)",
    ]
    assert rows.group_by("category").len().sort("category").rows() == [
        ("task9001_sample_item_edible", 7),
        ("task9002_sample_review_sentiment", 5),
        ("task9003_sample_en_fr_translation", 6),
    ]
    # a repeated row, and the same input with a second target: the first row of each instruction stays
    dups = rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list()
    assert dups == ["train/sample_part_a.jsonl:8", "train/sample_part_a.jsonl:12"]
    kept = rows.filter(pl.col("row_key") == "train/sample_part_a.jsonl:11")["conversation"][0]
    assert kept[1]["content"] == "positive"


def test_rendered_conversation(sample_settings):
    rows = convert("natural_instructions", sample_settings)["instructions"]
    conv = rows.filter(pl.col("row_key") == "train/sample_part_b.jsonl:2")["conversation"][0]
    assert conv[0]["content"] == "Translate the given English sentence into French. Keep names unchanged.\nThe museum opens at nine."
    assert conv[1]["content"] == "Le musée ouvre à neuf heures."


def test_real_task_file_through_mirror(realdata, mirror, mirror_settings):
    """The raw task file (note its bare NaN, which Python's json accepts) → one hub row per instance output."""
    task = json.loads((realdata / "natural_instructions" / "task1149_item_check_edible.json").read_text(encoding="utf-8"))
    rows = [
        {"task_name": "task1149_item_check_edible", "id": inst["id"], "definition": task["Definition"][0], "inputs": inst["input"], "targets": out}
        for inst in task["Instances"]
        for out in inst["output"]
    ]
    target = mirror / "Muennighoff" / "natural-instructions" / "train" / "task1149_item_check_edible.jsonl"
    target.parent.mkdir(parents=True)
    target.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    parts = convert("natural_instructions", mirror_settings)
    out = parts["instructions"]
    assert out.height == 119 and parts["rejects"].height == 0
    assert out["category"].unique().to_list() == ["task1149_item_check_edible"]
    first = out.filter(pl.col("row_key") == "train/task1149_item_check_edible.jsonl:1")["conversation"][0]
    assert first[0]["content"] == task["Definition"][0] + "\nsink"
    assert first[1]["content"] == "2"
    # as the original: "\n".join([definition, inputs]) with the fields unchanged (one real input is " flour")
    users = out["conversation"].list.get(0).struct.field("content").to_list()
    assert task["Definition"][0] + "\n flour" in users
    assert sorted(users) == sorted("\n".join([r["definition"], r["inputs"]]) for r in rows)
