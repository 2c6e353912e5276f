"""The candidate stage (candidates.py) on real benchmark views and the hand-written rows: the pairs
its sparse products keep are exactly those the per-pair scoring puts at or above each benchmark's
floor, with the same rare-word and answer-key scores; floors follow the rules' benchmark scopes."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from bagel_data.decontam.answers import key_batch
from bagel_data.decontam.candidates import candidate_pairs, floors
from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.detect import Detector
from bagel_data.decontam.normalize import words
from bagel_data.decontam.shingles import TokenBatch
from bagel_data.recipe import load_recipe
from bagel_data_tests.decontam.test_detect_real import views  # noqa: F401 (fixture: every real benchmark's views)


def test_floors_follow_rule_scopes():
    config = DecontamConfig.from_section({"embedding": {"rules": [
        {"cosine": 0.8, "lexical": 0.3, "exclude": ["gsm8k"]},
        {"cosine": 0.9, "lexical": 0.2, "benchmarks": ["truthfulqa"]},
        {"cosine": 0.7, "lexical": 0.2, "answer": 0.75, "benchmarks": ["gsm8k"]},
    ]}})
    names = ["gsm8k", "mmlu", "truthfulqa"]
    lexical, answer = floors(config, names, np.array([0, 1, 2, 2]))
    assert lexical.tolist() == [np.inf, 0.3, 0.2, 0.2]  # GSM8K only through its answer rule
    assert answer.tolist() == [0.75, np.inf, np.inf, np.inf]


@pytest.fixture(scope="module")
def detector(views):  # noqa: F811
    return Detector(views, dataclasses.replace(DecontamConfig.from_section(load_recipe().decontamination), embedding=False))


def test_sparse_candidates_equal_pairwise_scoring(detector):
    from benchmarks.decontamination_eval import hand_set

    d = detector
    texts = hand_set()["text"]
    word_lists = texts.to_frame("t").select(words(pl.col("t"))).to_series()
    hits = d.lexical.hits(TokenBatch.from_lists(word_lists, d.lexical.vocabulary))
    key_hits = d.keys.hits(key_batch(texts, d.keys))
    chars = texts.str.len_chars().to_numpy()
    shortest = min(r.length_ratio for r in d.config.rules)
    got = candidate_pairs(d.lexical, hits, texts.len(), d.lexical_floor, d.keys, key_hits, d.key_weights, d.answer_floor, chars, d.view_chars, shortest)

    # the per-pair way: prefix candidates of each index (a superset of the pairs at or above its threshold), scored one by one
    assert d.lexical.threshold <= d.lexical_floor.min() and d.keys.threshold <= d.answer_floor.min()
    lexical = d.lexical.score_pairs(d.lexical.candidates(hits), hits).rename({"score": "lexical"})
    lexical = lexical.filter(pl.col("lexical") >= pl.Series(d.lexical_floor)[lexical["view"]] - 1e-9)
    answer = d.keys.score_pairs(d.keys.candidates(key_hits), key_hits).rename({"score": "answer"})
    answer = answer.filter(pl.col("answer") >= pl.Series(d.answer_floor)[answer["view"]] - 1e-9)
    expected = d._ratio(pl.concat([lexical.select("text", "view"), answer.select("text", "view")]).unique(), chars).filter(pl.col("ratio") >= shortest - 1e-9)
    assert expected.height > 200
    assert set(got.select("text", "view").iter_rows()) == set(expected.select("text", "view").iter_rows())

    scored = got.join(d.lexical.score_pairs(got.select("text", "view"), hits).rename({"score": "want"}), on=["text", "view"])
    assert (scored["lexical"] - scored["want"]).abs().max() < 1e-6
    read = np.isfinite(d.answer_floor) | (d.view_bench == d.bench_code["gsm8k"])  # answer rules and the GSM8K veto
    keyed = got.filter(pl.Series(read)[got["view"]])
    keyed = keyed.join(d.keys.score_pairs(keyed.select("text", "view"), key_hits).rename({"score": "want"}), on=["text", "view"])
    assert (keyed["answer"] - keyed["want"]).abs().max() < 1e-6 and keyed["answer"].max() > 0.9
    assert got.filter(~pl.Series(read)[got["view"]])["answer"].max() == 0.0  # not read elsewhere
