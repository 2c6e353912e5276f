"""piqa: samples convert with malformed rows set aside; the real PIQA dev release (goals in
dev.jsonl, labels line-aligned in dev-labels.lst) converts after merging labels as the hub does."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.recipe import load_recipe
from bagel_data.sources import run_converter
from bagel_data.sources.ai2_arc import LETTER_ONLY
from bagel_data_tests.helpers import convert

TRAIN_FILE = "plain_text/train/0000.parquet"


def test_samples_convert_and_reject_malformed(sample_settings):
    recipe = load_recipe()
    converted, tables = run_converter(recipe.sources["piqa"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert converted.rows_in == 24
    assert rows.height == 19
    assert sorted(rejects["reason"].to_list()) == [
        "filter: duplicate instruction",
        "malformed: empty goal",
        "malformed: empty solution",
        "malformed: label not 0/1",
        "malformed: label not 0/1",
    ]
    # the repeated bread question gets the same coin (keyed by content), so the same text and id: the repeat goes
    assert rejects.filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == [f"{TRAIN_FILE}:16"]


def test_rendered_styles(sample_settings):
    rows = convert("piqa", sample_settings, options={"letter_only_probability": 0.0})["instructions"]
    lid = rows.filter(pl.col("row_key") == f"{TRAIN_FILE}:1")["conversation"][0]
    assert lid[0]["content"] == "To loosen a tight jar lid,\nA. run the lid under cold water for a minute.\nB. run the lid under hot water for a minute."
    assert lid[1]["content"] == "B. run the lid under hot water for a minute."
    shelf = rows.filter(pl.col("row_key") == f"{TRAIN_FILE}:8")["conversation"][0]
    assert shelf[0]["content"] == "bookshelf\nA. steady the wobbly leg with a folded card \nB. paint the wobbly leg with a folded card ", "solutions as upstream gives them (trailing spaces kept, as the original)"
    rows = convert("piqa", sample_settings, options={"letter_only_probability": 1.0})["instructions"]
    lid = rows.filter(pl.col("row_key") == f"{TRAIN_FILE}:1")["conversation"][0]
    assert lid[0]["content"].endswith("for a minute.\n" + LETTER_ONLY) and lid[1]["content"] == "B"


def test_letter_only_share_follows_the_option(sample_settings):
    rows = convert("piqa", sample_settings)["instructions"]
    letters = rows["conversation"].list.get(1).struct.field("content").is_in(["A", "B"]).sum()
    assert 0 < letters < rows.height / 2, "about a quarter of rows should be letter-only at 0.25"


def test_real_piqa_dev_through_mirror(realdata, mirror, mirror_settings):
    goals = [json.loads(line) for line in (realdata / "piqa" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    labels = (realdata / "piqa" / "dev-labels.lst").read_text().split()
    assert len(goals) == len(labels) == 1838
    hub = [{"goal": g["goal"], "sol1": g["sol1"], "sol2": g["sol2"], "label": int(label)} for g, label in zip(goals, labels)]
    target = mirror / "ybisk" / "piqa" / TRAIN_FILE
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hub), target)
    parts = convert("piqa", mirror_settings)
    out = parts["instructions"]
    assert out.height == 1838 and parts["rejects"].height == 0
    letters = out["conversation"].list.get(1).struct.field("content").is_in(["A", "B"]).mean()
    assert 0.2 < letters < 0.3
    second = out.filter(pl.col("row_key") == f"{TRAIN_FILE}:1")["conversation"][0]
    g = goals[1]
    assert g["sol1"].endswith(" ") and second[0]["content"].startswith(f"{g['goal']}\nA. {g['sol1']}\nB. {g['sol2']}")
    assert second[1]["content"] in ("B", f"B. {g['sol2']}")
    # every row byte for byte as the original built it: "\n".join([goal, f"A. {sol1}", f"B. {sol2}"]),
    # answered f"A. {sol1}" / f"B. {sol2}" (or the letter, with the letter-only sentence appended)
    padded = 0
    for key, conv in zip(out["row_key"], out["conversation"]):
        g, label = goals[int(key.rsplit(":", 1)[1])], labels[int(key.rsplit(":", 1)[1])]
        question = "\n".join([g["goal"], f"A. {g['sol1']}", f"B. {g['sol2']}"])
        letter, full = ("A", f"A. {g['sol1']}") if label == "0" else ("B", f"B. {g['sol2']}")
        user, answer = conv[0]["content"], conv[1]["content"]
        assert (user, answer) == (question, full) or (user.startswith(question + "\n") and answer == letter and "\n" not in user[len(question) + 1 :]), key
        padded += any(t != t.strip() for t in (g["goal"], g["sol1"], g["sol2"]))
    assert padded >= 100, "the real dev split has rows with surrounding whitespace (118 of 1838)"
