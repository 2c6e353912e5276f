"""ai2_arc: samples convert with every malformed row set aside; real ARC files convert via a mirror."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.sources.ai2_arc import LETTER_ONLY
from bagel_data_tests.helpers import convert


def test_samples_convert_and_reject_malformed(sample_settings):
    parts = convert("ai2_arc", sample_settings)
    rows, rejects = parts["instructions"], parts["rejects"]
    assert rows.height == 20
    assert sorted(rejects["reason"].to_list()) == [
        "malformed: answer key not among labels",
        "malformed: choices",
        "malformed: choices",
        "malformed: empty question",
    ]
    assert rows["id"].n_unique() == rows.height
    styles = {conv[1]["content"].count(" ") == 0 for conv in rows["conversation"].to_list()}
    assert styles == {True, False}, "coin should give both letter-only and letter+text answers"


def test_numeric_labels_and_letter_style(sample_settings):
    rows = convert("ai2_arc", sample_settings, options={"letter_only_probability": 1.0})["instructions"]
    heart = rows.filter(pl.col("row_key").str.ends_with(":6"))
    conv = heart["conversation"][0]
    assert conv[0]["content"] == (
        "Which organ pumps blood through the human body?\n1. lungs\n2. heart\n3. liver\n4. kidney\n" + LETTER_ONLY
    )
    assert conv[1]["content"] == "2"


def test_letter_only_sentence_is_the_originals_unless_set(sample_settings, recipe):
    rows = convert("ai2_arc", sample_settings, options={"letter_only_probability": 1.0})["instructions"]
    assert rows["conversation"][0][0]["content"].endswith("\nOnly output the the letter of the correct answer."), "the original's words"
    assert recipe.sources["piqa"].options["letter_only_instruction"] == recipe.sources["ai2_arc"].options["letter_only_instruction"]
    fixed = convert("ai2_arc", sample_settings, options={"letter_only_probability": 1.0, "letter_only_instruction": "Only output the letter of the correct answer."})
    assert fixed["instructions"]["conversation"][0][0]["content"].endswith("\nOnly output the letter of the correct answer.")


def test_real_arc_dev_file_through_mirror(realdata, mirror, mirror_settings):
    """The AI2 release nests choices under question.stem; lay it out in the HF schema."""
    rows = [json.loads(l) for l in (realdata / "arc_challenge" / "ARC-Challenge-Dev.jsonl").read_text().splitlines()]
    hf = [
        {
            "id": r["id"],
            "question": r["question"]["stem"],
            "choices": {"text": [c["text"] for c in r["question"]["choices"]], "label": [c["label"] for c in r["question"]["choices"]]},
            "answerKey": r["answerKey"],
        }
        for r in rows
    ]
    target = mirror / "allenai" / "ai2_arc" / "ARC-Challenge" / "train-00000-of-00001.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hf), target)
    parts = convert("ai2_arc", mirror_settings, options={"letter_only_probability": 0.0})
    assert parts["instructions"].height == 299 and parts["rejects"].height == 0
    first = parts["instructions"].filter(pl.col("row_key") == "ARC-Challenge/train-00000-of-00001.parquet:0")["conversation"][0]
    stem, choices = rows[0]["question"]["stem"], rows[0]["question"]["choices"]
    answer = next(c for c in choices if c["label"] == rows[0]["answerKey"])
    assert first[0]["content"].startswith(stem + "\n" + f"{choices[0]['label']}. {choices[0]['text']}")
    assert first[1]["content"] == f"{answer['label']} {answer['text']}"
