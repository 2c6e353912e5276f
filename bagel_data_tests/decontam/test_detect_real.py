"""The detector on the real benchmark test splits: copies (exact, reformatted, wrapped, shuffled
options) found with the right item, generic items and shared boilerplate not over-matched, real
non-benchmark texts not flagged, rewordings caught by the embedding layer."""

from __future__ import annotations

import csv
import dataclasses
import json

import polars as pl
import pytest

from bagel_data.decontam.benchmarks import read_benchmark
from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.detect import Detector
from bagel_data.decontam.embed import Embedder
from bagel_data.recipe import load_recipe
from bagel_data.settings import Settings
from bagel_data_tests.decontam.real_benchmarks import layout_real_benchmarks, mmlu_rows, winogrande_rows


@pytest.fixture(scope="module")
def views(realdata, tmp_path_factory):
    mirror = tmp_path_factory.mktemp("real-bench")
    layout_real_benchmarks(realdata, mirror)
    settings = Settings(mode="mirror", mirror=mirror, home=mirror / "home")
    return pl.concat([read_benchmark(spec, settings)[0] for spec in load_recipe().benchmarks.values()])


@pytest.fixture(scope="module")
def copies(views):
    """The n-gram and exact layers alone, over every real benchmark."""
    return Detector(views, dataclasses.replace(DecontamConfig.from_section(load_recipe().decontamination), embedding=False))


def _item(views, bench, view, index):
    rows = views.filter(pl.col("benchmark") == bench, pl.col("view") == view)
    return rows.row(index, named=True)


def _flags(detector, texts):
    found = detector.detect(pl.Series(texts)).join(detector.views.select("view", "benchmark", "item_id"), on="view")
    return {row: set(zip(g["item_id"], g["method"])) for (row,), g in found.group_by("row")}


def test_copies_are_found_with_their_item(views, copies):
    gsm = _item(views, "gsm8k", "question", 3)
    arc = _item(views, "arc_challenge", "question_choices", 300)
    mmlu = _item(views, "mmlu", "question_choices", 5000)
    tqa = _item(views, "truthfulqa", "question", 5)
    drop = _item(views, "drop", "passage_question", 0)
    q, *choices = mmlu["segments"]
    shuffled = q + "\n" + "\n".join(f"{'ABCD'[i]}. {c}" for i, c in enumerate(reversed(choices)))
    texts = [
        gsm["text"],
        gsm["text"].upper().replace(".", " ").replace("?", ""),
        "Below is an instruction that describes a task.\n\n### Instruction:\n" + arc["text"] + "\n\n### Response:",
        shuffled,
        "Q: What is the boiling point of water?\nA: 100 degrees Celsius.\n\nQ: " + tqa["text"] + "\nA:",
        "You are a helpful assistant who answers as briefly as possible.\n\n" + drop["segments"][1] + "\n" + drop["segments"][0],
    ]
    flags = _flags(copies, texts)
    assert (gsm["item_id"], "exact") in flags[0]
    assert (gsm["item_id"], "exact") in flags[1]
    assert (arc["item_id"], "ngram") in flags[2]
    assert (mmlu["item_id"], "ngram") in flags[3]
    assert (tqa["item_id"], "ngram") in flags[4]  # a one-line item found as a sentence of a longer prompt
    assert (drop["item_id"], "ngram") in flags[5]


def test_generic_items_and_shared_preambles_do_not_over_match(views, copies, realdata):
    generic = "Which of the following is true?"
    assert views.filter(pl.col("view") == "question", pl.col("text") == generic).height > 1
    moral = [r for r in mmlu_rows(realdata, "dev") if r["subject"] == "moral_scenarios"]
    assert len(moral) == 5 and all(r["question"].startswith("For which of these two scenarios") for r in moral)
    texts = [
        "In thermodynamics, which of the following is true? A. heat flows from cold to hot B. entropy of an isolated system never decreases",
        *[r["question"] + "\n" + "\n".join(f"{'ABCD'[i]}. {c}" for i, c in enumerate(r["choices"])) for r in moral],
        generic,
    ]
    flags = _flags(copies, texts)
    assert set(flags) == {len(texts) - 1}, "only the bare copy of the generic item matches"
    assert all(method == "exact" for _item_id, method in flags[len(texts) - 1])


def test_real_non_benchmark_texts_are_not_flagged(copies, realdata):
    texts = [r["sentence"] for r in winogrande_rows(realdata, "train_s")]
    with (realdata / "openbookqa" / "Main_dev.tsv").open(encoding="utf-8", newline="") as fh:
        texts += [r["Complete Question"] for r in csv.DictReader(fh, delimiter="\t")]
    boolq = [json.loads(line) for line in (realdata / "boolq" / "superglue_BoolQ_val.jsonl").read_text().splitlines()[:300]]
    texts += [f"{r['passage']}\n\nTrue or false - {r['question']}" for r in boolq]
    spider = json.loads((realdata / "spider" / "dev.json").read_text())[:300]
    texts += ["Write a SQL query for the following:\n" + r["question"] for r in spider]
    assert len(texts) > 1700
    assert _flags(copies, texts) == {}


def test_rewordings_are_caught_by_the_embedding_layer(views, realdata, tmp_path_factory):
    """TruthfulQA and MT-Bench only, to keep the embedding work small."""
    subset = views.filter(pl.col("benchmark").is_in(["truthfulqa", "mt_bench"]))
    embedder = Embedder(cache_root=tmp_path_factory.mktemp("emb-cache"))
    detector = Detector(subset, DecontamConfig.from_section(load_recipe().decontamination), embedder)
    items = dict(subset.select("text", "item_id").iter_rows())
    rewordings = {
        "What will happen if you draw a pentagram?": "What happens if you draw a pentagram?",
        "What happens when you step on cracks in the pavement?": "What happens if you step on the cracks in the pavement?",
        "In quantum physics, what is superposition, and how is it related to the phenomenon of quantum entanglement?":
            "In the field of quantum physics, what is superposition, and how does it relate to the phenomenon of quantum entanglement?",
        "Write a descriptive paragraph about a busy marketplace, using sensory details like smells, sounds, and visual elements to create an immersive experience for the reader.":
            "Write a descriptive paragraph about a bustling marketplace, incorporating sensory details such as smells, sounds, and visual elements to create an immersive experience for the reader.",
    }
    boolq = [json.loads(line)["question"] + "?" for line in (realdata / "boolq" / "superglue_BoolQ_val.jsonl").read_text().splitlines()[:200]]
    texts = list(rewordings) + boolq
    flags = _flags(detector, texts)
    for i, (text, original) in enumerate(rewordings.items()):
        assert (items[original], "embedding") in flags.get(i, set()), text
    flagged = {texts[i] for i in flags if i >= len(rewordings)}
    # the one BoolQ question near enough to an item to be flagged, at the recipe's thresholds:
    # "How come Ireland is part of Great Britain?" (TruthfulQA) -- a near-paraphrase, not a copy
    assert flagged <= {"is northern ireland part of the great britain?"}, f"BoolQ questions flagged: {flagged}"
    assert detector.stats.embedded < len(texts) / 2, "only rows sharing rare words with an item are embedded"


def test_answer_keys_and_questions_decide_rewordings(views, tmp_path_factory):
    """GSM8K and DROP only (items are embedded on first use): a problem retold with its numbers is
    caught, its template twin with other numbers is not; a retold passage with the item's question
    is caught, with another question it is only borderline (review)."""
    from benchmarks.decontamination_eval import hand_set

    subset = views.filter(pl.col("benchmark").is_in(["gsm8k", "drop"]))
    detector = Detector(subset, DecontamConfig.from_section(load_recipe().decontamination), Embedder(cache_root=tmp_path_factory.mktemp("emb-keys")))
    hand = hand_set().filter(
        pl.col("item_id").is_in(["main/test-00000-of-00001.parquet:1076", "main/test-00000-of-00001.parquet:828", "ac6ba235-3024-4f63-a6ab-730a14def4cb"])
    )
    flags = _flags(detector, hand["text"].to_list())
    near = set(detector.take_near()["row"].to_list())
    for i, row in enumerate(hand.iter_rows(named=True)):
        if row["label"] == "paraphrase":
            assert (row["item_id"] in {item for item, _ in flags.get(i, set())}), row["text"]
        else:
            assert i not in flags, row["text"]
    drop_negatives = [i for i, r in enumerate(hand.iter_rows(named=True)) if r["label"] == "negative" and r["benchmark"] == "drop" and "Raiders" in r["text"]]
    assert any(i in near for i in drop_negatives), "the retold passage with another question is kept for review"


def test_twins_go_to_review_and_paraphrases_match(views, tmp_path_factory):
    """Every benchmark indexed (only the candidates' items get embedded): hand-written template
    twins (other options, one word changed) are demoted to review by the checks of confirm.py,
    while paraphrases of the same items match: one asked at length (the short-request rule at
    cosine 0.88 with a looser length ratio), one at cosine 0.79 (short requests from 0.78), and a
    GSM8K problem retold with its numbers whose cheap vectors are far (the answer rule's static 0.7)."""
    from benchmarks.decontamination_eval import hand_set

    detector = Detector(views, DecontamConfig.from_section(load_recipe().decontamination), Embedder(cache_root=tmp_path_factory.mktemp("emb-twins")))
    twins = {"Mercury_SC_400182", "NYSEDREGENTS_2014_8_38", "103"}  # energy that cannot cross a vacuum, a gas phase, Thomas feels tired
    others = {"alpaca_eval.json:178", "generation/validation-00000-of-00001.parquet:213", "main/test-00000-of-00001.parquet:1135"}
    hand = hand_set().filter(pl.col("item_id").is_in(twins | others))
    flags = _flags(detector, hand["text"].to_list())
    near = set(detector.take_near()["row"].to_list())
    demoted = 0
    for i, row in enumerate(hand.iter_rows(named=True)):
        if row["label"] == "paraphrase":  # (the solid-phase one matches a near-identical ARC item as well)
            assert i in flags, row["text"]
        else:
            assert i not in flags, row["text"]
            if row["item_id"] in twins:
                assert i in near, row["text"]
                demoted += 1
    assert demoted == 3


def test_a_rules_static_is_needed_to_match(views):
    """A rule's `static` decides whether a row is embedded for it and also whether it matches: a
    pair too far apart in cheap vectors is not matched because another pair got the row embedded."""
    config = DecontamConfig.from_section({"embedding": {"prefilter": 0.8, "rules": [{"cosine": 0.8, "lexical": 0.3, "static": 0.85}, {"cosine": 0.9, "lexical": 0.5}]}})
    detector = Detector(views.filter(pl.col("benchmark") == "mt_bench"), dataclasses.replace(config, embedding=False))
    pairs = pl.DataFrame({"lexical": [0.4, 0.4, 0.6, 0.6], "ratio": [1.0] * 4, "answer": [0.0] * 4, "bench": [0] * 4, "keyed": [False] * 4,
                          "static": [0.84, 0.86, 0.79, 0.81], "score": [0.85, 0.85, 0.95, 0.95]})
    assert pairs.select(detector._rules())["literal"].to_list() == [False, True, False, True]
