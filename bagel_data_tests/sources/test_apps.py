"""apps: samples (the parquet conversion's config "all", JSON-string solutions) convert; bad solution lists are rejects."""

from __future__ import annotations

import json

import polars as pl

from bagel_data.settings import SAMPLES_DIR
from bagel_data_tests.helpers import assistant_text, convert, user_text

PREFIX = "Provide a python solution to the following:\n"
SAMPLE = SAMPLES_DIR / "codeparrot" / "apps" / "all" / "train" / "0000.parquet"


def test_texts_are_the_originals_bytes(sample_settings):
    """As the original: "\n".join(["Provide a python solution to the following:", question]) and
    json.loads(solutions)[0], unchanged."""
    upstream = pl.read_parquet(SAMPLE)
    rows = convert("apps", sample_settings)["instructions"]
    assert rows.height > 10
    for key, conv in zip(rows["row_key"], rows["conversation"]):
        item = upstream.row(int(key.rsplit(":", 1)[1]), named=True)
        assert conv[0]["content"] == "\n".join(["Provide a python solution to the following:", item["question"]]), key
        assert conv[1]["content"] == json.loads(item["solutions"])[0], key


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
    assert assistant_text(first) == "n = int(input())\nprint(sum(map(int, input().split())))\n", "the solution as upstream gives it (trailing newline kept)"
    assert first["category"][0] == "introductory"
    padded = rows.filter(pl.col("row_key") == "all/train/0000.parquet:13")
    assert assistant_text(padded) == json.loads(pl.read_parquet(SAMPLE)["solutions"][13])[0], "blank lines around code are kept, as the original"
    unicode = rows.filter(pl.col("row_key") == "all/train/0000.parquet:8")
    assert "Петя" in user_text(unicode) and "数字之和" in user_text(unicode)


def test_prompt_prefix_is_a_recipe_option(sample_settings):
    rows = convert("apps", sample_settings, options={"prompt_prefix": "Solve in Python:\n", "humaneval_min_chars": 40})["instructions"]
    assert user_text(rows).startswith("Solve in Python:\nGiven n integers")
