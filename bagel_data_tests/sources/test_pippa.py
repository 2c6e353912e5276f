"""pippa: the original bagel code's filters (turn count, refusals anywhere in the chat, character
first, unanswered last turn), the greeting replacing the persona, no dedup, and a keep coin per
upstream id; each departure from the original is a recipe switch."""

from __future__ import annotations

import polars as pl

from bagel_data import ids
from bagel_data.settings import Settings
from bagel_data.sources import build_source
from bagel_data.storage import Layout
from bagel_data_tests.helpers import convert

FILE = "pippa_sharegpt_trimmed.jsonl"
KNIGHT = "Sir Roland's Persona: A weary but kind knight who protects travellers on the king's road."
GREETING = "*Roland lowers his sword.* Peace, traveller. The road is dangerous after dark."
CANDIDATES = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 23, 24, 25]  # lines passing every filter but the coin
ALL = {"keep_probability": 1.0}


def _row(frame: pl.DataFrame, line: int) -> dict:
    return frame.filter(pl.col("row_key") == f"{FILE}:{line}").row(0, named=True)


def test_filters_and_reasons(sample_settings):
    parts = convert("pippa", sample_settings, options={**ALL, "min_turns": 3})
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
        (f"{FILE}:26", "filter: refusal"),  # "OpenAI" in the user's turn: the original read every turn
        (f"{FILE}:27", "filter: refusal"),  # "As an AI": matched in any case (the original's re.I bug is fixed)
        (f"{FILE}:6", "filter: ends on a user turn"),  # dropped whole, as the original's expansion did
    ]


def test_refusal_scope_switch_reads_only_the_characters_turns(sample_settings):
    parts = convert("pippa", sample_settings, options={**ALL, "refusal_scope": "responses"})
    refused = parts["rejects"].filter(pl.col("reason") == "filter: refusal")["row_key"].sort().to_list()
    assert refused == [f"{FILE}:{n}" for n in (17, 18, 27)]


def test_greeting_replaces_the_persona_as_the_original(sample_settings):
    rows = convert("pippa", sample_settings, options=ALL)["instructions"]
    first = _row(rows, 1)
    assert first["system"] == "First message: " + GREETING
    assert first["conversation"] == [
        {"role": "user", "content": "I'm looking for the city of Varn."},
        {"role": "assistant", "content": "Varn lies two days east. I can escort you as far as the river."},
    ]
    assert _row(rows, 5)["system"] == KNIGHT, "the user opens: nothing to fold"


def test_greeting_append_switch_keeps_the_persona(sample_settings):
    rows = convert("pippa", sample_settings, options={**ALL, "greeting": "append"})["instructions"]
    assert _row(rows, 1)["system"] == KNIGHT + "\n\nFirst message: " + GREETING


def test_trim_switch_keeps_unanswered_chats(sample_settings):
    rows = convert("pippa", sample_settings, options={**ALL, "trim_unanswered": True})["instructions"]
    assert [t["content"] for t in _row(rows, 6)["conversation"]] == ["Can you teach me magic?", "No."]


def test_repeated_instruction_kept_unless_dedupe(sample_settings):
    rows = convert("pippa", sample_settings, options=ALL)["instructions"]
    assert _row(rows, 23)["conversation"][0] == _row(rows, 1)["conversation"][0] and _row(rows, 23)["system"] == _row(rows, 1)["system"]
    assert rows["id"].n_unique() == rows.height
    deduped = convert("pippa", sample_settings, options={**ALL, "dedupe": True})
    assert deduped["rejects"].filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list() == [f"{FILE}:23"]


def test_keep_coin_is_per_upstream_id(sample_settings, recipe):
    rows = convert("pippa", sample_settings)["instructions"]
    candidate_ids = {line: f"pippa-{line if line < 22 else line - 1:03d}" for line in CANDIDATES}  # line 22 is the broken one
    coins = dict(zip(candidate_ids, ids.coins(list(candidate_ids.values()), recipe.seed, "pippa:keep")))
    expected = sorted(line for line, c in coins.items() if c < 0.5)
    kept = sorted(int(k.rsplit(":", 1)[1]) for k in rows["row_key"])
    assert kept == expected and 0 < len(kept) < len(CANDIDATES)
    again = convert("pippa", sample_settings)["instructions"]
    assert again["id"].to_list() == rows["id"].to_list()


def test_rebuilds_are_byte_identical(sample_settings, recipe, tmp_path):
    homes = [tmp_path / "a", tmp_path / "b"]
    for home in homes:
        build_source(recipe.sources["pippa"], recipe, Settings(mode="samples", home=home))
    for part in ("instructions", "rejects"):
        first, second = (Layout(home).normalized("pippa", part).read_bytes() for home in homes)
        assert first == second, part
