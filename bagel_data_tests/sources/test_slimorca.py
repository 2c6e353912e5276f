"""slimorca: ShareGPT rows without weights, refusal filter (case-insensitive, on every turn as the
original bagel code), and the skip of instructions that airoboros' slimorca_multiturn rows
extended (matched as the original: surrounding whitespace aside); recipe switches for both."""

from __future__ import annotations

import polars as pl

from bagel_data.sources import run_converter
from bagel_data_tests.helpers import convert

FILE = "slimorca-deduped-cleaned-corrected.jsonl"


def _row(frame: pl.DataFrame, line: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{line}").row(0, named=True)


def test_samples_convert_and_count_every_row(sample_settings, recipe):
    converted, tables = run_converter(recipe.sources["slimorca"], recipe, sample_settings)
    rows, rejects = pl.from_arrow(tables["instructions"]), pl.from_arrow(tables["rejects"])
    assert (converted.rows_in, rows.height, rejects.height) == (23, 10, 13)
    assert rejects.group_by("reason").len().sort("reason").rows() == [
        ("filter: duplicate instruction", 2),
        ("filter: extended by airoboros", 1),
        ("filter: refusal", 4),
        ("malformed: empty turn", 1),
        ("malformed: invalid JSON (Unterminated string starting at)", 1),
        ("malformed: no conversation", 1),
        ("malformed: wrong role order", 3),
    ]
    assert recipe.sources["slimorca"].cap == 200_000 and recipe.sources["slimorca"].priority == 2


def test_weights_dropped_and_system_kept_apart(sample_settings):
    rows = convert("slimorca", sample_settings)["instructions"]
    first = _row(rows, 1)
    assert first["system"].startswith("You are an AI assistant. User will you give you a task.")
    assert first["conversation"] == [
        {"role": "user", "content": "Which is the largest ocean on Earth?"},
        {"role": "assistant", "content": "The Pacific Ocean is the largest ocean on Earth."},
    ]
    assert _row(rows, 4)["system"] is None
    # as the original: the id hashes the user turns only, so the same question under another
    # system prompt is the same instruction, a duplicate of the first
    assert f"{FILE}:18" not in rows["row_key"].to_list()
    duplicates = convert("slimorca", sample_settings)["rejects"].filter(pl.col("reason") == "filter: duplicate instruction")
    assert duplicates["row_key"].to_list() == [f"{FILE}:17", f"{FILE}:18"]
    assert [t["content"] for t in _row(rows, 19)["conversation"]] == ["Name a primary color.", "Red.", "Another one?", "Blue."]


def test_rows_extended_by_airoboros_are_skipped(sample_settings):
    rejects = convert("slimorca", sample_settings)["rejects"]
    extended = rejects.filter(pl.col("reason") == "filter: extended by airoboros")
    assert extended["row_key"].to_list() == [f"{FILE}:5"]
    loose = convert("slimorca", sample_settings, options={"extended_match": "loose"})["rejects"]
    # line 6 differs from the airoboros turn in case and spacing only
    assert loose.filter(pl.col("reason") == "filter: extended by airoboros")["row_key"].to_list() == [f"{FILE}:5", f"{FILE}:6"]
    kept = convert("slimorca", sample_settings, options={"extended_category": "no_such_category"})["instructions"]
    assert {f"{FILE}:5", f"{FILE}:6"} <= set(kept["row_key"])


def test_refusal_filter_is_case_insensitive_and_reads_every_turn(sample_settings):
    parts = convert("slimorca", sample_settings)
    refused = parts["rejects"].filter(pl.col("reason") == "filter: refusal")["row_key"].to_list()
    # "As an AI", "I'M SORRY, BUT I CANNOT", "Please note that", "OpenAI" in the user turn
    assert refused == [f"{FILE}:7", f"{FILE}:8", f"{FILE}:9", f"{FILE}:10"]
    responses = convert("slimorca", sample_settings, options={"refusal_scope": "responses"})
    assert f"{FILE}:10" in responses["instructions"]["row_key"].to_list()
    unfiltered = convert("slimorca", sample_settings, filters={})["instructions"]
    assert unfiltered.height == 14
