"""apps: samples (the parquet conversion's config "all", JSON-string solutions) convert; bad solution lists are rejects."""

from __future__ import annotations

import json

import polars as pl

from bagel_data_tests.helpers import assistant_text, convert, user_text

PREFIX = "Provide a python solution to the following:\n"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("apps", sample_settings)
    rows, rejects = parts["instructions"], parts["rejects"]
    assert rows.height == 18
    assert rejects.sort("row_key").select("row_key", "reason").rows() == [
        ("all/train/0000.parquet:10", "filter: humaneval solution"),
        ("all/train/0000.parquet:12", "filter: duplicate instruction"),
        ("all/train/0000.parquet:20", "malformed: no solutions"),
        ("all/train/0000.parquet:21", "malformed: no solutions"),
        ("all/train/0000.parquet:22", "malformed: solutions not a JSON list of strings"),
        ("all/train/0000.parquet:23", "malformed: empty question"),
        ("all/train/0000.parquet:24", "malformed: empty solution"),
    ]
    assert rows["id"].n_unique() == rows.height
    guarded = json.loads(rejects.filter(pl.col("row_key") == "all/train/0000.parquet:10")["raw"][0])
    assert set(guarded) == {"problem_id", "question", "solutions", "input_output", "difficulty", "url", "starter_code"}, "raw is the upstream row"


def test_first_solution_prefix_and_category(sample_settings):
    rows = convert("apps", sample_settings)["instructions"]
    first = rows.filter(pl.col("row_key") == "all/train/0000.parquet:0")
    assert user_text(first) == PREFIX + "Given n integers, print their sum.\n\n-----Input-----\n\nThe first line contains an integer n.\n\n-----Output-----\n\nPrint the answer."
    assert assistant_text(first) == "n = int(input())\nprint(sum(map(int, input().split())))"
    assert first["category"][0] == "introductory"
    padded = rows.filter(pl.col("row_key") == "all/train/0000.parquet:13")
    assert assistant_text(padded) == "print(len(set(input())))", "blank lines around code are trimmed"
    unicode = rows.filter(pl.col("row_key") == "all/train/0000.parquet:8")
    assert "Петя" in user_text(unicode) and "数字之和" in user_text(unicode)


def test_prompt_prefix_is_a_recipe_option(sample_settings):
    rows = convert("apps", sample_settings, options={"prompt_prefix": "Solve in Python:\n", "humaneval_min_chars": 40})["instructions"]
    assert user_text(rows).startswith("Solve in Python:\nGiven n integers")
