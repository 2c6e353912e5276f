"""drop: samples convert with malformed rows set aside, every row carries the brief-answer system
prompt and a coin orders passage and question; the real DROP dev excerpt (raw nested format)
converts after flattening it the way the hub does."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.drop import SYSTEM
from bagel_data_tests.helpers import convert

TRAIN_FILE = "data/train-00000-of-00001.parquet"


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["drop"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 24
    assert rows.height == 19
    assert sorted(rejects["reason"].to_list()) == ["filter: duplicate instruction", "malformed: empty question"] + ["malformed: no answer spans"] * 3
    assert rows["system"].unique().to_list() == [SYSTEM]
    users = rows["conversation"].list.get(0).struct.field("content")
    passage_first = users.str.starts_with("The Lions") | users.str.starts_with("As of the census") | users.str.starts_with("In 1648")
    assert 0 < passage_first.sum() < rows.height, "the coin should give both orders"


def test_rendered_orders_and_spans(sample_settings):
    rows = convert("drop", sample_settings, options={"passage_first_probability": 1.0})["instructions"]
    kickers = rows.filter(pl.col("row_key") == f"{TRAIN_FILE}:2")
    conv = kickers["conversation"][0]
    assert conv[0]["content"].startswith(" The Lions opened the season"), "the passage as upstream gives it (leading space kept, as the original)"
    assert conv[0]["content"] and conv[0]["content"].endswith("a 17-10 win.\nWhich kickers made field goals?")
    assert conv[1]["content"] == "Dan Webb, Eli Stone"
    assert kickers["system"][0] == SYSTEM
    rows = convert("drop", sample_settings, options={"passage_first_probability": 0.0})["instructions"]
    cities = rows.filter(pl.col("row_key") == f"{TRAIN_FILE}:12")["conversation"][0]
    assert cities[0]["content"].startswith("In which cities did negotiations take place?\nIn 1648 the Peace of Westphalia")
    assert cities[1]["content"] == "Osnabrück, Münster"


def hub_answer(answer: dict) -> dict:
    """The hub's answers_spans for one raw DROP answer: a number, else the spans, else the date."""
    if answer["number"]:
        return {"spans": [answer["number"]], "types": ["number"]}
    if answer["spans"]:
        return {"spans": answer["spans"], "types": ["span"] * len(answer["spans"])}
    date = " ".join(answer["date"][k] for k in ("day", "month", "year")).strip()
    return {"spans": [date] if date else [], "types": ["date"] if date else []}


def test_real_drop_dev_excerpt_through_mirror(realdata, mirror, mirror_settings):
    raw = json.loads((realdata / "drop" / "hf_dummy_drop_dataset_dev.json").read_text(encoding="utf-8"))
    hub = [
        {"section_id": pid, "query_id": qa["query_id"], "passage": item["passage"], "question": qa["question"], "answers_spans": hub_answer(qa["answer"])}
        for pid, item in raw.items()
        for qa in item["qa_pairs"]
    ]
    target = mirror / "ucinlp" / "drop" / TRAIN_FILE
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hub), target)
    parts = convert("drop", mirror_settings, options={"passage_first_probability": 0.0})
    out = parts["instructions"]
    assert out.height == 2 and parts["rejects"].height == 0
    passage = raw["nfl_1184"]["passage"]
    assert passage != passage.strip(), "the real passage carries surrounding whitespace, kept as the original did"
    convs = out["conversation"].to_list()
    assert convs[0][0]["content"] == "Who scored the first touchdown of the game?\n" + passage
    assert convs[0][1]["content"] == "Chaz Schilens"
    assert convs[1][1]["content"] == raw["nfl_1184"]["qa_pairs"][1]["answer"]["number"] == "3"
    assert out["system"].to_list() == [SYSTEM, SYSTEM]
