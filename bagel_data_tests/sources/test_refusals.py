"""The recipe's refusal filter is the original bagel v0.2 list of regexes, matched
case-insensitively from the first character (the original passed re.I as search()'s `pos`, so it
matched case-sensitively from the third character: that bug stays fixed)."""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import is_refusal


def _flags(texts: list[str], patterns) -> list[bool]:
    return pl.DataFrame({"t": texts}).select(is_refusal(pl.col("t"), patterns))["t"].to_list()


def test_original_patterns_match_in_any_case_from_the_start(recipe):
    texts = [
        "OpenAI trained me.",  # at position 0 and capitalized: the original missed it twice over
        "As an AI, I have no body.",
        "I'm sorry, but I can't help with that.",
        "I do not have personal opinions on this.",
        "Please note that the API is rate limited.",
        "It is Important To Note the caveats.",
        "That would violate my programming.",
        "I won't be able to do your homework for you.",
    ]
    assert _flags(texts, recipe.refusal_patterns) == [True] * len(texts)


def test_only_the_original_patterns(recipe):
    # phrases of the list this project used before, which the original's list does not catch
    texts = ["I am unable to find that file.", "It is not appropriate to water cacti daily.", "Ethical guidelines for surveys.", "Here is the answer: 42."]
    assert _flags(texts, recipe.refusal_patterns) == [False] * len(texts)
    assert len(recipe.refusal_patterns) == 16
