"""synthia: system kept when non-empty, inline USER:/ASSISTANT: turns split, quoted role names and
refusals filtered (read in every turn, as the original bagel code; switch refusal_scope)."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

FILE = "Synthia-v1.3.jsonl"


def _row(frame: pl.DataFrame, line: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{line}").row(0, named=True)


def test_samples_convert_and_reject(sample_settings, recipe):
    parts = convert("synthia", sample_settings)
    assert parts["instructions"].height == 9
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        (f"{FILE}:10", "filter: refusal"),
        (f"{FILE}:11", "filter: refusal"),  # in an inline assistant turn
        (f"{FILE}:12", "malformed: empty response"),
        (f"{FILE}:13", "malformed: empty instruction"),
        (f"{FILE}:14", "malformed: invalid JSON (Unterminated string starting at)"),
        (f"{FILE}:15", "malformed: wrong role order"),  # two inline user turns
        (f"{FILE}:16", "filter: duplicate instruction"),
        (f"{FILE}:19", "filter: refusal"),  # "large language" in the user's turn
        (f"{FILE}:8", "filter: quotes role names"),
        (f"{FILE}:9", "filter: quotes role names"),  # USER in the system prompt
    ]
    assert recipe.sources["synthia"].cap == 25_000 and recipe.sources["synthia"].priority == 1


def test_inline_turns_are_split(sample_settings):
    rows = convert("synthia", sample_settings)["instructions"]
    # as the original's split: whitespace after a marker skipped, a turn's trailing newline kept
    assert _row(rows, 3)["conversation"] == [
        {"role": "user", "content": "Recommend a book about space.\n"},
        {"role": "assistant", "content": 'Try "Cosmos" by Carl Sagan.\n'},
        {"role": "user", "content": "Something more recent?"},
        {"role": "assistant", "content": '"Astrophysics for People in a Hurry" by Neil deGrasse Tyson (2017).'},
    ]
    # text before the first marker is the user's
    assert [(t["role"], t["content"]) for t in _row(rows, 4)["conversation"]][:3] == [
        ("user", "I need help planning a trip.\n"),
        ("assistant", "Sure! Where would you like to go?\n"),
        ("user", "Portugal, for one week."),
    ]


def test_system_prompt_only_when_non_empty(sample_settings):
    rows = convert("synthia", sample_settings)["instructions"]
    assert _row(rows, 1)["system"].startswith("Elaborate on the topic using a Tree of Thoughts")
    assert _row(rows, 2)["system"] is None
    assert _row(rows, 2)["conversation"] == [
        {"role": "user", "content": "What is the derivative of x^3?"},
        {"role": "assistant", "content": "The derivative of x^3 is 3x^2."},
    ]


def test_refusal_scope_responses_reads_only_the_answers(sample_settings):
    parts = convert("synthia", sample_settings, options={"refusal_scope": "responses"})
    assert f"{FILE}:19" in parts["instructions"]["row_key"].to_list()
