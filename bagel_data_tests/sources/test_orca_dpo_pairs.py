"""orca_dpo_pairs: samples (orca_rlhf.jsonl) convert; as the original bagel code, the question goes
without its system prompt and repeats stay (recipe switches keep_system / dedupe); the real
Azure-format validation file via a mirror."""

from __future__ import annotations

import json
import re

import polars as pl

from bagel_data_tests.helpers import convert

KEY = "orca_rlhf.jsonl:{}"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("orca_dpo_pairs", sample_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]
    assert pairs.height == 16 and parts["instructions"].height == 0
    assert rejects["row_key"][0] == KEY.format(22) and rejects["reason"][0].startswith("malformed: invalid JSON")
    assert rejects.select("row_key", "reason").rows()[1:] == [
        (KEY.format(16), "filter: refusal"),
        (KEY.format(17), "filter: refusal"),
        (KEY.format(19), "malformed: empty prompt"),
        (KEY.format(20), "malformed: empty chosen"),
        (KEY.format(21), "malformed: empty rejected"),
    ]
    assert pairs["id"].n_unique() == pairs.height
    # as the original (`chosen != rejected`, texts unchanged): answers differing only in whitespace are a pair
    padded = pairs.filter(pl.col("row_key") == KEY.format(18)).row(0, named=True)
    assert (padded["chosen"], padded["rejected"]) == ("Yellow.", "  Yellow.  ")
    assert pairs.filter(pl.col("row_key") == KEY.format(13))["chosen"][0].endswith("falls as rain. "), "trailing space kept"


def test_switches_keep_system_and_dedupe(sample_settings):
    parts = convert("orca_dpo_pairs", sample_settings, options={"keep_system": True, "dedupe": True})
    assert parts["rejects"].filter(pl.col("reason") == "filter: duplicate prompt")["row_key"].to_list() == [KEY.format(14)]
    first = parts["preferences"].row(0, named=True)
    assert first["system"].startswith("You are an AI assistant.")
    assert parts["preferences"].filter(pl.col("row_key") == KEY.format(2))["system"][0] is None, "an empty upstream system prompt becomes null"


def test_question_alone_and_exact_pair(sample_settings):
    pairs = convert("orca_dpo_pairs", sample_settings)["preferences"]
    first = pairs.row(0, named=True)
    assert first["system"] is None and first["prompt"] == "Translate to English: «Le chat dort sur le canapé.»"
    assert first["chosen"].endswith("The cat is sleeping on the sofa.") and first["rejected"] == "Sure! The cat sleeps."
    refused_rejected = pairs.filter(pl.col("row_key") == KEY.format(15))
    assert refused_rejected.height == 1, "a refusal on the rejected side is what DPO wants: kept"


def test_real_azure_validation_file_through_mirror(realdata, mirror, mirror_settings, recipe):
    """Microsoft's Azure DPO layout nests system/user messages and single-message outputs; map them
    to the HF columns system, question, chosen, rejected."""
    lines = (realdata / "orca_dpo_pairs" / "azure_dpo_format_validation.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    hf = [
        {
            "system": i["input"]["messages"][0]["content"],
            "question": i["input"]["messages"][1]["content"],
            "chosen": i["preferred_output"][0]["content"],
            "rejected": i["non_preferred_output"][0]["content"],
        }
        for i in items
    ]
    target = mirror / "Intel" / "orca_dpo_pairs" / "orca_rlhf.jsonl"
    target.parent.mkdir(parents=True)
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in hf), encoding="utf-8")
    parts = convert("orca_dpo_pairs", mirror_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]

    refusal = re.compile("|".join(recipe.refusal_patterns), re.IGNORECASE)
    refused = [r for r in hf if refusal.search(r["chosen"])]
    identical = [r for r in hf if r["chosen"].strip() == r["rejected"].strip()]
    survivors = [r for r in hf if not refusal.search(r["chosen"]) and r["chosen"].strip() != r["rejected"].strip()]
    assert len(items) == 284 and refused and not identical
    assert rejects.filter(pl.col("reason") == "filter: refusal").height == len(refused)
    assert pairs.height == len(survivors) and pairs.height + rejects.height == 284
    first = pairs.filter(pl.col("row_key") == KEY.format(1)).row(0, named=True)
    assert (first["system"], first["prompt"], first["chosen"]) == (None, hf[0]["question"], hf[0]["chosen"])
    # every pair as the original took it: question, chosen and rejected unchanged
    for key, prompt, chosen, rejected in pairs.select("row_key", "prompt", "chosen", "rejected").iter_rows():
        row = hf[int(key.rsplit(":", 1)[1]) - 1]
        assert (prompt, chosen, rejected) == (row["question"], row["chosen"], row["rejected"]), key
    assert first["prompt"].endswith("Translate to English")
