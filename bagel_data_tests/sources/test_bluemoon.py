"""bluemoon: multi-turn roleplay kept multi-turn; as the original bagel code, a thread ending on an
unanswered post is dropped whole and repeats stay; threads that do not alternate are set aside.
The recipe switches trim_unanswered / dedupe restore trimming and dedup."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

FILE = "data/pruned/bluemoon.train.json"


def _row(frame: pl.DataFrame, index: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{index}").row(0, named=True)


def test_samples_convert_and_reject_malformed(sample_settings):
    parts = convert("bluemoon", sample_settings)
    rows = parts["instructions"]
    assert rows.height == 7
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        (f"{FILE}:10", "filter: ends on a user turn"),  # a lone post
        (f"{FILE}:11", "malformed: no conversation"),
        (f"{FILE}:12", "malformed: array item is not an object"),
        (f"{FILE}:2", "filter: ends on a user turn"),
        (f"{FILE}:5", "filter: ends on a user turn"),
        (f"{FILE}:7", "malformed: wrong role order"),  # the partner opens
        (f"{FILE}:8", "malformed: wrong role order"),  # two posts in a row
        (f"{FILE}:9", "malformed: empty turn"),
    ]
    users = [[t["content"] for t in _row(rows, i)["conversation"] if t["role"] == "user"] for i in (0, 6)]
    assert users[0] == users[1], "a thread repeating another's posts stays, as in the original"
    assert rows["id"].n_unique() == rows.height


def test_threads_stay_multi_turn(sample_settings):
    rows = convert("bluemoon", sample_settings)["instructions"]
    tavern = _row(rows, 0)["conversation"]
    assert [t["role"] for t in tavern] == ["user", "assistant", "user", "assistant"]
    assert tavern[3]["content"] == "*He slides the chair out with his boot.* Then sit. You have one minute."
    assert _row(rows, 3)["conversation"][0]["content"] == "Café au lait, s'il vous plaît — Léa sourit au serveur. 😊"
    assert rows["system"].null_count() == rows.height


def test_switches_trim_unanswered_posts_and_dedupe(sample_settings):
    parts = convert("bluemoon", sample_settings, options={"trim_unanswered": True, "dedupe": True})
    rows = parts["instructions"]
    assert rows.height == 8
    assert _row(rows, 2)["conversation"] == [
        {"role": "user", "content": "Kaito adjusted his glasses and stared at the exam sheet. Question one already made no sense."},
        {"role": "assistant", "content": "Beside him, Hana slid a folded note across the desk, eyes fixed forward."},
    ]
    reasons = dict(parts["rejects"].select("row_key", "reason").rows())
    assert reasons[f"{FILE}:6"] == "filter: duplicate instruction"
    assert reasons[f"{FILE}:10"] == "malformed: no conversation", "a lone post trims to nothing"
