"""bluemoon: multi-turn roleplay kept multi-turn, an unanswered last post trimmed, threads that
do not alternate set aside."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

FILE = "data/pruned/bluemoon.train.json"


def _row(frame: pl.DataFrame, index: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{index}").row(0, named=True)


def test_samples_convert_and_reject_malformed(sample_settings):
    parts = convert("bluemoon", sample_settings)
    assert parts["instructions"].height == 8
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        (f"{FILE}:10", "malformed: no conversation"),  # lone post, trimmed to nothing
        (f"{FILE}:11", "malformed: no conversation"),
        (f"{FILE}:12", "malformed: array item is not an object"),
        (f"{FILE}:6", "filter: duplicate instruction"),
        (f"{FILE}:7", "malformed: wrong role order"),  # the partner opens
        (f"{FILE}:8", "malformed: wrong role order"),  # two posts in a row
        (f"{FILE}:9", "malformed: empty turn"),
    ]


def test_threads_stay_multi_turn_and_unanswered_posts_are_trimmed(sample_settings):
    rows = convert("bluemoon", sample_settings)["instructions"]
    tavern = _row(rows, 0)["conversation"]
    assert [t["role"] for t in tavern] == ["user", "assistant", "user", "assistant"]
    assert tavern[3]["content"] == "*He slides the chair out with his boot.* Then sit. You have one minute."
    exam = _row(rows, 2)["conversation"]
    assert exam == [
        {"role": "user", "content": "Kaito adjusted his glasses and stared at the exam sheet. Question one already made no sense."},
        {"role": "assistant", "content": "Beside him, Hana slid a folded note across the desk, eyes fixed forward."},
    ]
    assert _row(rows, 3)["conversation"][0]["content"] == "Café au lait, s'il vous plaît — Léa sourit au serveur. 😊"
    assert rows["system"].null_count() == rows.height


def test_without_trimming_unanswered_threads_are_rejects(sample_settings):
    parts = convert("bluemoon", sample_settings, options={"trim_unanswered": False})
    assert parts["instructions"].height == 6
    wrong = parts["rejects"].filter(pl.col("reason") == "malformed: wrong role order")["row_key"].sort().to_list()
    assert wrong == [f"{FILE}:10", f"{FILE}:2", f"{FILE}:5", f"{FILE}:7", f"{FILE}:8"]
