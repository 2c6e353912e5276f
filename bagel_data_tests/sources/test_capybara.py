"""capybara: {input, output} exchanges become alternating user/assistant turns; the upstream
`source` is the category."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

FILE = "CapybaraPure_Decontaminated.jsonl"


def _row(frame: pl.DataFrame, line: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{line}").row(0, named=True)


def test_samples_convert_and_reject_malformed(sample_settings):
    parts = convert("capybara", sample_settings)
    assert parts["instructions"].height == 10
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        (f"{FILE}:11", "filter: duplicate instruction"),
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
