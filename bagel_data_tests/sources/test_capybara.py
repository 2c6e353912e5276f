"""capybara: {input, output} exchanges become alternating user/assistant turns; the upstream
`source` is the category; repeats stay, as in the original bagel code (recipe switch dedupe)."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

FILE = "CapybaraPure_Decontaminated.jsonl"


def _row(frame: pl.DataFrame, line: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{line}").row(0, named=True)


def test_samples_convert_and_reject_malformed(sample_settings):
    parts = convert("capybara", sample_settings)
    assert parts["instructions"].height == 11
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        (f"{FILE}:12", "malformed: empty turn"),  # empty output
        (f"{FILE}:13", "malformed: empty turn"),  # exchange without output
        (f"{FILE}:14", "malformed: no conversation"),  # empty list
        (f"{FILE}:15", "malformed: no conversation"),  # no field
        (f"{FILE}:7", "malformed: invalid JSON (Expecting ',' delimiter)"),
    ]


def test_exchanges_become_turns(sample_settings):
    rows = convert("capybara", sample_settings)["instructions"]
    bakery = _row(rows, 4)
    assert bakery["category"] == "EverythingLM"
    assert bakery["conversation"] == [
        {"role": "user", "content": "Suggest a name for a bakery."},
        {"role": "assistant", "content": "Crumb & Co."},
        {"role": "user", "content": "Something more playful?"},
        {"role": "assistant", "content": "Knead to Know."},
        {"role": "user", "content": "One in French?"},
        {"role": "assistant", "content": "La Mie Joyeuse."},
    ]
    assert _row(rows, 8)["conversation"][1]["content"] == "Eine Spinne hat acht Beine. 🕷️"
    assert _row(rows, 10)["category"] is None  # row without `source` is kept


def test_repeats_stay_with_their_own_ids_unless_dedupe(sample_settings):
    rows = convert("capybara", sample_settings)["instructions"]
    repeat = _row(rows, 11)
    original = rows.filter(pl.col("conversation").list.first() == repeat["conversation"][0])
    assert original.height == 2 and rows["id"].n_unique() == rows.height
    parts = convert("capybara", sample_settings, options={"dedupe": True})
    assert parts["rejects"].filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == [f"{FILE}:11"]
