"""summarization: contextual instruction/response pairs, the BEGINCONTEXT wrapper around the text
unwrapped, malformed and over-long rows set aside, subset from the file name."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import convert

PREFIX = "expert_summarization_4096-"


def test_samples_convert_and_reject(sample_settings, recipe):
    parts = convert("summarization", sample_settings)
    assert parts["instructions"].height == 6
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        (f"{PREFIX}booksum-train.jsonl:2", "filter: too long"),
        (f"{PREFIX}cnndm-summaries.jsonl:2", "malformed: not contextual format"),
        (f"{PREFIX}cnndm-summaries.jsonl:3", "malformed: empty response"),
        (f"{PREFIX}mediasum-summaries.jsonl:3", "malformed: empty instruction"),
        (f"{PREFIX}samsum-summaries.jsonl:2", "filter: duplicate instruction"),  # same text as a booksum row
        (f"{PREFIX}xsum-summaries.jsonl:2", "malformed: invalid JSON (Unterminated string starting at)"),
    ]
    assert parts["instructions"]["category"].to_list() == ["booksum", "cnndm", "mediasum", "mediasum", "samsum", "xsum"]
    assert recipe.sources["summarization"].cap == 500 and recipe.sources["summarization"].priority == 3


def test_context_wrapper_is_unwrapped(sample_settings):
    rows = convert("summarization", sample_settings)["instructions"]
    giraffe = rows.filter(pl.col("row_key") == f"{PREFIX}xsum-summaries.jsonl:1")["conversation"].to_list()[0]
    assert giraffe == [
        {
            "role": "user",
            "content": "BEGININPUT\nA rare white giraffe has been fitted with a GPS tracker to protect it from poachers in north-eastern Kenya.\n"
            "ENDINPUT\nBEGININSTRUCTION\nSummarize the input in around 15 words.\nENDINSTRUCTION",
        },
        {"role": "assistant", "content": "A rare white giraffe in Kenya now wears a GPS tracker to deter poachers."},
    ]
    unwrapped = rows.filter(pl.col("row_key") == f"{PREFIX}mediasum-summaries.jsonl:2")["conversation"].to_list()[0][0]["content"]
    assert unwrapped.startswith("BEGININPUT\nLa conférence s'est terminée")


def test_length_limit_comes_from_the_recipe(sample_settings):
    parts = convert("summarization", sample_settings, options={"max_chars": 100_000})
    assert parts["instructions"].height == 7
    parts = convert("summarization", sample_settings, options={"max_chars": 300})  # counted after unwrapping
    too_long = parts["rejects"].filter(pl.col("reason") == "filter: too long")["row_key"].sort().to_list()
    assert too_long == [
        f"{PREFIX}booksum-train.jsonl:1",  # 333 chars
        f"{PREFIX}booksum-train.jsonl:2",
        f"{PREFIX}cnndm-summaries.jsonl:1",  # 306
        f"{PREFIX}mediasum-summaries.jsonl:1",  # 320
        f"{PREFIX}samsum-summaries.jsonl:2",  # 310
    ]
    assert parts["instructions"].height == 3
