"""squad_v2: samples convert with malformed rows set aside; unanswerable questions are answered
with the coin-chosen phrase the prompt names; the real SQuAD 2.0 excerpt (nested raw format)
converts after flattening it to the hub's rows."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.squad_v2 import UNKNOWN_PHRASES
from bagel_data_tests.helpers import convert

TRAIN_FILE = "squad_v2/train-00000-of-00001.parquet"
LEAD = "Read the passage of text provided below, then concisely answer the question.  If you don't know, respond with "


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["squad_v2"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 23
    assert rows.height == 20
    assert sorted(rejects["reason"].to_list()) == ["malformed: empty context", "malformed: empty question", "malformed: no answers field"]
    users = rows["conversation"].list.get(0).struct.field("content")
    answers = rows["conversation"].list.get(1).struct.field("content")
    named = users.str.extract(r'respond with "(.*?)"\n\n', 1)
    assert named.is_in(list(UNKNOWN_PHRASES)).all()
    assert named.n_unique() > 1, "the phrase is a coin per row"
    unanswerable = answers == named
    assert unanswerable.sum() == 5


def test_rendered_conversation(sample_settings):
    rows = convert("squad_v2", sample_settings, options={"unknown_phrases": ["SKIP"]})["instructions"]
    convs = {k: c for k, c in zip(rows["row_key"], rows["conversation"].to_list())}
    kyoto = "京都市 (Kyoto) was the imperial capital of Japan for more than a thousand years, from 794 until 1868, when the court moved to Tokyo."
    assert convs[f"{TRAIN_FILE}:12"][0]["content"] == LEAD + '"SKIP"\n\n' + kyoto + "\n\n京都は何年に首都になりましたか？"
    assert convs[f"{TRAIN_FILE}:12"][1]["content"] == "794"
    assert convs[f"{TRAIN_FILE}:13"][1]["content"] == "SKIP"
    assert convs[f"{TRAIN_FILE}:2"][1]["content"] == "1923", "the first of several answers"


def test_real_squad_v2_excerpt_through_mirror(realdata, mirror, mirror_settings):
    raw = json.loads((realdata / "squad_v2" / "hf_dummy_squad_v2_excerpt.json").read_text(encoding="utf-8"))
    hub = [
        {
            "id": qa["id"],
            "title": article["title"],
            "context": paragraph["context"],
            "question": qa["question"],
            "answers": {"text": [a["text"] for a in qa["answers"]], "answer_start": [a["answer_start"] for a in qa["answers"]]},
        }
        for article in raw["data"]
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]
    target = mirror / "rajpurkar" / "squad_v2" / TRAIN_FILE
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hub), target)
    parts = convert("squad_v2", mirror_settings, options={"unknown_phrases": ["IRRELEVANT"]})
    out = parts["instructions"]
    assert out.height == 2 and parts["rejects"].height == 0
    convs = out["conversation"].to_list()
    assert convs[0][0]["content"] == LEAD + '"IRRELEVANT"\n\n' + hub[0]["context"] + "\n\nIn what country is Normandy located?"
    assert [c[1]["content"] for c in convs] == ["France", "10th and 11th centuries"]
