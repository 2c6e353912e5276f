"""winogrande: samples convert with malformed rows set aside; the real WinoGrande dev rows (a CSV
with English-prefixed headers and a Split column) convert as if they were the train split."""

from __future__ import annotations

import csv

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data_tests.helpers import convert

TRAIN_FILE = "winogrande_xl/train-00000-of-00001.parquet"


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["winogrande"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 24
    assert rows.height == 19
    assert sorted(rejects["reason"].to_list()) == [
        "filter: duplicate instruction",
        "malformed: answer not 1/2",
        "malformed: answer not 1/2",
        "malformed: empty option",
        "malformed: empty sentence",
    ]
    assert rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == [f"{TRAIN_FILE}:16"]
    twins = rows.filter(pl.col("row_key").is_in([f"{TRAIN_FILE}:0", f"{TRAIN_FILE}:1"]))["conversation"].to_list()
    assert [(c[0]["content"], c[1]["content"]) for c in twins] == [
        ("Maria lent her umbrella to Sofia because _ was going to walk home in the rain.", "Sofia"),
        ("Maria lent her umbrella to Sofia because _ was not going out again that day.", "Maria"),
    ]
    cafe = rows.filter(pl.col("row_key") == f"{TRAIN_FILE}:11")["conversation"][0]
    assert cafe[1]["content"] == "José"


def test_real_winogrande_dev_through_mirror(realdata, mirror, mirror_settings):
    with (realdata / "winogrande" / "winogrande_za_english.csv").open(encoding="utf-8", newline="") as handle:
        dev = [r for r in csv.DictReader(handle) if r["Split"] == "dev"]
    hub = [{"sentence": r["English Sentence"], "option1": r["English Option 1"], "option2": r["English Option 2"], "answer": r["Answer"]} for r in dev]
    target = mirror / "allenai" / "winogrande" / TRAIN_FILE
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hub), target)
    parts = convert("winogrande", mirror_settings)
    out = parts["instructions"]
    assert len(dev) == 1267 and out.height == 1267 and parts["rejects"].height == 0
    for i in (0, 1266):
        conv = out.filter(pl.col("row_key") == f"{TRAIN_FILE}:{i}")["conversation"][0]
        r = hub[i]
        assert conv[0]["content"] == r["sentence"].strip()
        assert conv[1]["content"] == (r["option1"] if r["answer"] == "1" else r["option2"]).strip()
