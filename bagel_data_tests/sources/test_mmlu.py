"""mmlu: auxiliary_train samples convert with malformed rows set aside; the real MMLU dev CSVs
(HF-style export: question,choice0..3,answer) convert after mapping to the hub's list `choices`."""

from __future__ import annotations

import csv

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.mmlu import LETTER_ONLY
from bagel_data_tests.helpers import convert

TRAIN_FILE = "all/auxiliary_train-00000-of-00001.parquet"


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["mmlu"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 25
    assert rows.height == 19
    assert sorted(rejects["reason"].to_list()) == [
        "filter: duplicate instruction",
        "malformed: answer index not among choices",
        "malformed: choices",
        "malformed: choices",
        "malformed: empty question",
        "malformed: more choices than letters",
    ]
    # the repeated 7 × 8 question gets the same coin (keyed by content), so the same text and id: the repeat goes
    assert rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == [f"{TRAIN_FILE}:14"]
    letter_only = rows["conversation"].list.get(0).struct.field("content").str.starts_with(LETTER_ONLY)
    assert 0 < letter_only.sum() < rows.height, "the coin should give both answer styles"


def test_rendered_styles(sample_settings):
    moons_key = f"{TRAIN_FILE}:9"
    text = convert("mmlu", sample_settings, options={"letter_only_probability": 0.0})["instructions"]
    conv = text.filter(pl.col("row_key") == moons_key)["conversation"][0]
    assert conv[0]["content"] == "Which planet has the most moons known as of 2023?\nA. Earth\nB. Mars\nC. Jupiter\nD. Saturn\nE. Neptune"
    assert conv[1]["content"] == "D Saturn"
    letter = convert("mmlu", sample_settings, options={"letter_only_probability": 1.0})["instructions"]
    conv = letter.filter(pl.col("row_key") == moons_key)["conversation"][0]
    assert conv[0]["content"] == LETTER_ONLY + "\nWhich planet has the most moons known as of 2023?\nA. Earth\nB. Mars\nC. Jupiter\nD. Saturn\nE. Neptune"
    assert conv[1]["content"] == "D"
    two = letter.filter(pl.col("row_key") == f"{TRAIN_FILE}:8")["conversation"][0]
    assert two[0]["content"].endswith("Is the statement true?\nA. True\nB. False") and two[1]["content"] == "A"


def test_real_mmlu_dev_csvs_through_mirror(realdata, mirror, mirror_settings):
    rows = []
    for path in sorted((realdata / "mmlu" / "dev").glob("*_dev.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for r in csv.DictReader(handle):
                subject = path.name.removesuffix("_dev.csv")
                rows.append({"question": r["question"], "subject": subject, "choices": [r[f"choice{i}"] for i in range(4)], "answer": int(r["answer"])})
    assert len(rows) == 285
    target = mirror / "cais" / "mmlu" / TRAIN_FILE
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows), target)
    # as on the hub, the README names the split (datasets' conventions would read "auxiliary_train-*" as "train")
    readme = "---\nconfigs:\n- config_name: all\n  data_files:\n  - split: auxiliary_train\n    path: all/auxiliary_train-*\n---\n"
    (mirror / "cais" / "mmlu" / "README.md").write_text(readme, encoding="utf-8")
    parts = convert("mmlu", mirror_settings, options={"letter_only_probability": 0.0})
    out = parts["instructions"]
    # one dev question appears twice in the real files
    assert out.height == 284 and parts["rejects"]["reason"].to_list() == ["filter: duplicate instruction"]
    first = out.filter(pl.col("row_key") == f"{TRAIN_FILE}:0")["conversation"][0]
    r = rows[0]
    letter = "ABCD"[r["answer"]]
    assert first[0]["content"] == r["question"] + "\n" + "\n".join(f"{L}. {c}" for L, c in zip("ABCD", r["choices"]))
    assert first[1]["content"] == f"{letter} {r['choices'][r['answer']]}"
    # every row byte for byte as the original built it: question and choices unchanged
    padded = 0
    for key, conv in zip(out["row_key"], out["conversation"]):
        r = rows[int(key.rsplit(":", 1)[1])]
        assert conv[0]["content"] == "\n".join([r["question"], "\n".join(f"{L}. {c}" for L, c in zip("ABCD", r["choices"]))]), key
        assert conv[1]["content"] == "ABCD"[r["answer"]] + " " + r["choices"][r["answer"]], key
        padded += any(t != t.strip() for t in (r["question"], *r["choices"]))
    assert padded >= 15, "the real dev CSVs have questions and choices with surrounding spaces (20 of 285)"
