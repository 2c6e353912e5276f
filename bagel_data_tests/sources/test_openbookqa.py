"""openbookqa: samples convert with malformed rows set aside; the real OBQA Main train TSV converts
after parsing its one-string choices "(A) … (B) …" into the hub's choices{text, label}."""

from __future__ import annotations

import csv
import re

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.ai2_arc import LETTER_ONLY
from bagel_data_tests.helpers import convert

TRAIN_FILE = "main/train-00000-of-00001.parquet"


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["openbookqa"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 25
    assert rows.height == 20
    assert sorted(rejects["reason"].to_list()) == [
        "malformed: answer key not among labels",
        "malformed: choices",
        "malformed: choices",
        "malformed: duplicate choice labels",
        "malformed: empty question",
    ]
    answers = rows["conversation"].list.get(1).struct.field("content")
    assert 0 < answers.str.len_chars().eq(1).sum() < rows.height, "the coin should give both answer styles"


def test_rendered_styles(sample_settings):
    magnet = f"{TRAIN_FILE}:2"
    for probability, user_tail, answer in ((0.0, "", "B a steel nail"), (1.0, "\n" + LETTER_ONLY, "B")):
        rows = convert("openbookqa", sample_settings, options={"letter_only_probability": probability})["instructions"]
        conv = rows.filter(pl.col("row_key") == magnet)["conversation"][0]
        assert conv[0]["content"] == "A magnet will stick to\nA. a wooden spoon\nB. a steel nail\nC. a glass cup\nD. a rubber ball" + user_tail
        assert conv[1]["content"] == answer


def parse_choices(text: str) -> tuple[list[str], list[str]]:
    """"(A) x (B) y …" → (labels, texts)."""
    parts = re.split(r"\(([A-E])\) ", text.strip())
    return parts[1::2], [t.strip() for t in parts[2::2]]


def test_real_obqa_train_tsv_through_mirror(realdata, mirror, mirror_settings):
    with (realdata / "openbookqa" / "Main_train.tsv").open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle, delimiter="\t"))
    hub = []
    for r in records:
        labels, texts = parse_choices(r["Choices"])
        hub.append({"id": r["ID"], "question_stem": r["Question Stem"], "choices": {"text": texts, "label": labels}, "answerKey": r["Answer Key"]})
    target = mirror / "allenai" / "openbookqa" / TRAIN_FILE
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hub), target)
    parts = convert("openbookqa", mirror_settings, options={"letter_only_probability": 0.0})
    out, rejects = parts["instructions"], parts["rejects"]
    assert len(records) == 4957
    # one real row (12-1145) lists five choices with "D" twice; five stems repeat with the same choices
    assert out.height == 4951
    assert sorted(rejects["reason"].to_list()) == ["filter: duplicate instruction"] * 5 + ["malformed: duplicate choice labels"]
    assert '"id":"12-1145"' in rejects.filter(pl.col("reason").str.starts_with("malformed"))["raw"][0]
    first = out.filter(pl.col("row_key") == f"{TRAIN_FILE}:0")["conversation"][0]
    labels, texts = parse_choices(records[0]["Choices"])
    assert first[0]["content"] == records[0]["Question Stem"] + "\n" + "\n".join(f"{l}. {t}" for l, t in zip(labels, texts))
    key = records[0]["Answer Key"]
    assert first[1]["content"] == f"{key} {texts[labels.index(key)]}"
