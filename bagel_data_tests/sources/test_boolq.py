"""boolq: samples convert with malformed rows set aside; the real SuperGLUE BoolQ dev file converts via a mirror."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data_tests.helpers import convert

PROMPT = "Read the passage of text provided below, then answer the question.\n\n"


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["boolq"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 22
    assert rows.height == 18
    assert sorted(rejects["reason"].to_list()) == [
        "filter: duplicate instruction",
        "malformed: answer is not true/false",
        "malformed: empty passage",
        "malformed: empty question",
    ]
    assert rows["id"].n_unique() == rows.height
    assert rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == ["data/train-00000-of-00001.parquet:15"]
    assert {c[1]["content"] for c in rows["conversation"].to_list()} == {"true", "false"}


def test_rendered_conversation(sample_settings):
    rows = convert("boolq", sample_settings)["instructions"]
    moon = rows.filter(pl.col("row_key") == "data/train-00000-of-00001.parquet:1")["conversation"][0]
    assert moon[0] == {
        "role": "user",
        "content": PROMPT
        + "Moon -- The Moon is Earth's only natural satellite. Its diameter is about one quarter of Earth's, making it the fifth "
        "largest satellite in the Solar System.\n\nTrue or false - is the moon bigger than the earth",
    }
    assert moon[1] == {"role": "assistant", "content": "false"}
    tokyo = rows.filter(pl.col("row_key").str.ends_with(":11"))["conversation"][0]
    assert "東京都, Tōkyō-to" in tokyo[0]["content"] and tokyo[1]["content"] == "true"


def _superglue_rows(realdata):
    return [json.loads(line) for line in (realdata / "boolq" / "superglue_BoolQ_val.jsonl").read_text(encoding="utf-8").splitlines()]


def test_real_superglue_boolq_through_mirror(realdata, mirror, mirror_settings):
    """SuperGLUE's label is the string "true"/"false"; the hub's `answer` is a bool, so map it."""
    rows = _superglue_rows(realdata)
    hub = [{"question": r["question"], "answer": r["label"] == "true", "passage": r["passage"]} for r in rows]
    target = mirror / "google" / "boolq" / "data" / "train-00000-of-00001.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hub), target)
    parts = convert("boolq", mirror_settings)
    out = parts["instructions"]
    assert out.height == 3270 and parts["rejects"].height == 0
    answers = out["conversation"].list.get(1).struct.field("content").value_counts().sort("content")
    assert answers.rows() == [("false", 1237), ("true", 2033)]
    first = out.filter(pl.col("row_key") == "data/train-00000-of-00001.parquet:0")["conversation"][0]
    assert first[0]["content"] == PROMPT + rows[0]["passage"] + "\n\nTrue or false - " + rows[0]["question"]
    assert first[1]["content"] == rows[0]["label"]
    # every row as the original built it: passage and question unchanged
    for key, conv in zip(out["row_key"], out["conversation"]):
        r = rows[int(key.rsplit(":", 1)[1])]
        lines = ["Read the passage of text provided below, then answer the question.", "", r["passage"], "", "True or false - " + r["question"]]
        assert (conv[0]["content"], conv[1]["content"]) == ("\n".join(lines), r["label"]), key


def test_string_labels_are_read_too(realdata, mirror, mirror_settings):
    """A copy that keeps SuperGLUE's string labels still converts: "true"/"false" strings are answers."""
    rows = _superglue_rows(realdata)[:50] + [{"question": "is this label usable", "passage": "Label -- odd.", "label": "yes"}]
    hub = [{"question": r["question"], "answer": r["label"], "passage": r["passage"]} for r in rows]
    target = mirror / "google" / "boolq" / "data" / "train-00000-of-00001.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hub), target)
    parts = convert("boolq", mirror_settings)
    assert parts["instructions"].height == 50
    assert parts["rejects"]["reason"].to_list() == ["malformed: answer is not true/false"]
    assert parts["instructions"]["conversation"].list.get(1).struct.field("content").to_list() == [r["label"] for r in rows[:50]]
