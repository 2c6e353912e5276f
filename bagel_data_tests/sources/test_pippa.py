"""pippa: bagel's filters (turn count, character first, refusals), the greeting folded into the
system prompt, and a keep coin per upstream id."""

from __future__ import annotations

import polars as pl

from bagel_data import ids
from bagel_data.settings import Settings
from bagel_data.sources import build_source
from bagel_data.storage import Layout
from bagel_data_tests.helpers import convert

FILE = "pippa_sharegpt_trimmed.jsonl"
KNIGHT = "Sir Roland's Persona: A weary but kind knight who protects travellers on the king's road."
CANDIDATES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 23, 24, 25]  # lines passing every filter but the coin


def _row(frame: pl.DataFrame, line: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{line}").row(0, named=True)


def test_filters_and_reasons(sample_settings):
    parts = convert("pippa", sample_settings, options={"keep_probability": 1.0, "min_turns": 3})
    assert parts["instructions"].height == 16
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        (f"{FILE}:15", "filter: too few turns"),
        (f"{FILE}:16", "filter: starts with the character"),
        (f"{FILE}:17", "filter: refusal"),
        (f"{FILE}:18", "filter: refusal"),  # refusal in the greeting
        (f"{FILE}:19", "malformed: empty turn"),
        (f"{FILE}:20", "malformed: wrong role order"),
        (f"{FILE}:21", "malformed: no conversation"),
        (f"{FILE}:22", "malformed: invalid JSON (Expecting value)"),
        (f"{FILE}:23", "filter: duplicate instruction"),
    ]


def test_greeting_goes_into_the_system_prompt(sample_settings):
    rows = convert("pippa", sample_settings, options={"keep_probability": 1.0})["instructions"]
    first = _row(rows, 1)
    assert first["system"] == KNIGHT + "\n\nFirst message: *Roland lowers his sword.* Peace, traveller. The road is dangerous after dark."
    assert first["conversation"] == [
        {"role": "user", "content": "I'm looking for the city of Varn."},
        {"role": "assistant", "content": "Varn lies two days east. I can escort you as far as the river."},
    ]
    # the user opens: nothing to fold
    assert _row(rows, 5)["system"] == KNIGHT
    # an unanswered last user turn is trimmed
    assert [t["content"] for t in _row(rows, 6)["conversation"]] == ["Can you teach me magic?", "No."]


def test_keep_coin_is_per_upstream_id(sample_settings, recipe):
    rows = convert("pippa", sample_settings)["instructions"]
    candidate_ids = {line: f"pippa-{line if line < 22 else line - 1:03d}" for line in CANDIDATES}
    coins = dict(zip(candidate_ids, ids.coins(list(candidate_ids.values()), recipe.seed, "pippa:keep")))
    expected = sorted(line for line, c in coins.items() if c < 0.5)
    if 1 in expected and 23 in expected:  # line 23 repeats line 1's instruction
        expected.remove(23)
    kept = sorted(int(k.rsplit(":", 1)[1]) for k in rows["row_key"])
    assert kept == expected and 0 < len(kept) < len(CANDIDATES) - 1
    again = convert("pippa", sample_settings)["instructions"]
    assert again["id"].to_list() == rows["id"].to_list()


def test_rebuilds_are_byte_identical(sample_settings, recipe, tmp_path):
    homes = [tmp_path / "a", tmp_path / "b"]
    for home in homes:
        build_source(recipe.sources["pippa"], recipe, Settings(mode="samples", home=home))
    for part in ("instructions", "rejects"):
        first, second = (Layout(home).normalized("pippa", part).read_bytes() for home in homes)
        assert first == second, part
