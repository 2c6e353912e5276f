"""lmsys_chat_1m: gpt-4 chats without refusal as SFT rows; DPO pairs against the largest open model
("-NNb", two digits, case-sensitive, as the original) that answered the same single prompt; a chat
that made a pair is a DPO row only, as in the original; multi-turn chats stay (the role-mapping
fix)."""

from __future__ import annotations

import json

import polars as pl

from bagel_data_tests.helpers import convert

FILE = "data/train-00000-of-00001.parquet"


def test_samples_convert_and_count_every_drop(sample_settings):
    parts = convert("lmsys_chat_1m", sample_settings)
    assert (parts["instructions"].height, parts["preferences"].height) == (7, 3)
    assert parts["rejects"].group_by("reason").len().sort("reason").rows() == [
        ("filter: became a DPO pair", 3),
        ("filter: duplicate instruction", 1),
        ("filter: duplicate prompt", 1),
        ("filter: identical pair", 1),
        ("filter: model not gpt-4", 15),
        ("filter: refusal", 2),
        ("malformed: empty turn", 1),
        ("malformed: missing model", 1),
        ("malformed: wrong role order", 1),
    ]
    other = parts["rejects"].filter(pl.col("row_key") == f"{FILE}:0")["raw"][0]
    assert json.loads(other) == {"conversation_id": "c001", "model": "vicuna-13b"}


def test_pairs_take_the_largest_open_model(sample_settings):
    pairs = convert("lmsys_chat_1m", sample_settings)["preferences"]
    assert pairs.select("prompt", "chosen", "rejected").rows() == [
        # vicuna-13b, llama-2-70b-chat, koala-13b: 70b wins
        ("What is the capital of France?", "The capital of France is Paris.", "The capital of France is Paris, a city known for the Eiffel Tower."),
        # vicuna-7b, mpt-30b-chat, alpaca-13b
        ("Write a haiku about spring.", "Blossoms wake the bough\nsoft rain writes on greening fields\nthe year breathes again", "Green shoots in the sun\nbirds return to empty nests\nwarm wind through the trees"),
        # koala-13b and vicuna-13b tie: the first in upstream order
        ("Name three fruits that are red.", "Strawberries, cherries and raspberries.", "Apple, strawberry, cherry."),
    ]
    # no size by the original's pattern: chatglm-6b (one digit), RWKV-4-Raven-14B (upper-case B), fastchat-t5-3b
    assert set(pairs["source"]) == {"lmsys_chat_1m"}


def test_paired_chats_leave_the_sft_rows_unless_switched(sample_settings):
    parts = convert("lmsys_chat_1m", sample_settings)
    became = parts["rejects"].filter(pl.col("reason") == "filter: became a DPO pair")["row_key"].sort().to_list()
    assert became == sorted(parts["preferences"]["row_key"].to_list())
    assert not set(became) & set(parts["instructions"]["row_key"])
    assert f"{FILE}:14" in parts["instructions"]["row_key"].to_list(), "an identical pair makes no pair: the chat stays SFT"
    both = convert("lmsys_chat_1m", sample_settings, options={"sft_models": ["gpt-4"], "pairs_also_sft": True})
    assert both["instructions"].height == 10 and set(became) <= set(both["instructions"]["row_key"])


def test_size_pattern_is_a_recipe_option(sample_settings):
    pairs = convert("lmsys_chat_1m", sample_settings, options={"sft_models": ["gpt-4"], "open_model_size_pattern": r"(?i)-(\d+)b\b"})["preferences"]
    assert dict(pairs.select("prompt", "rejected").rows())["What is the tallest mountain in Africa?"] == "Kilimanjaro.", "upper-case 14B beats 3b"
    assert pairs.height == 5


def test_sft_rows_are_gpt4_only_and_multi_turn_makes_no_pair(sample_settings):
    parts = convert("lmsys_chat_1m", sample_settings)
    rows = parts["instructions"]
    cat = rows.filter(pl.col("row_key") == f"{FILE}:9")["conversation"][0]
    assert [t["content"] for t in cat] == ["Suggest a name for a cat.", "How about Biscuit?", "Something more regal?", "Duchess Marmalade the Third."]
    assert "Suggest a name for a cat." not in parts["preferences"]["prompt"].to_list()
    # models without a size in their name never give the rejected answer
    assert "Name a famous painting." not in parts["preferences"]["prompt"].to_list()
    assert f"{FILE}:23" in rows["row_key"].to_list()


def test_sft_models_come_from_the_recipe(sample_settings):
    parts = convert("lmsys_chat_1m", sample_settings, options={"sft_models": ["gpt-4", "vicuna-33b", "claude-1"]})
    assert parts["instructions"].height == 8 and f"{FILE}:10" in parts["instructions"]["row_key"].to_list()
    # claude-1 asked what gpt-4 was asked before it: same instruction id, the first one stays
    claude = parts["rejects"].filter(pl.col("row_key") == f"{FILE}:24")
    assert claude["reason"].to_list() == ["filter: duplicate instruction"]
