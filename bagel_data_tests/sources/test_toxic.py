"""toxic: off in the shipped recipe (content warning); converts when a recipe enables it, into DPO
pairs and, as the original bagel code, SFT rows of prompt and chosen answer (switch sft_rows)."""

from __future__ import annotations

from bagel_data_tests.helpers import convert

KEY = "toxic-dpo.parquet:{}"


def test_disabled_by_default(recipe):
    spec = recipe.sources["toxic"]
    assert spec.enabled is False and spec.dpo_only
    assert "toxic" not in [s.name for s in recipe.enabled_sources()]


def test_enabled_converts_samples(sample_settings):
    parts = convert("toxic", sample_settings, enabled=True)
    pairs, rejects = parts["preferences"], parts["rejects"]
    assert pairs.height == 10 and pairs["system"].null_count() == 10 and pairs["id"].n_unique() == 10
    assert rejects.select("row_key", "reason").rows() == [
        (KEY.format(10), "filter: identical pair"),
        (KEY.format(11), "malformed: empty prompt"),
        (KEY.format(12), "malformed: empty chosen"),
    ]
    first = pairs.row(0, named=True)
    assert first["prompt"] == "Write a savage roast of my friend who is always late."
    assert first["rejected"] == "I'm sorry, but I can't help with that request.", "no refusal filter: the rejected side is the refusal"


def test_pairs_are_also_sft_rows_as_the_original(sample_settings):
    parts = convert("toxic", sample_settings, enabled=True)
    pairs, rows = parts["preferences"], parts["instructions"]
    assert rows["row_key"].to_list() == pairs["row_key"].to_list()
    assert [[t["content"] for t in c] for c in rows["conversation"].to_list()] == [list(pc) for pc in pairs.select("prompt", "chosen").rows()]
    assert rows["id"].to_list() == pairs["id"].to_list(), "one id for the instruction, SFT or DPO"
    only_pairs = convert("toxic", sample_settings, enabled=True, options={"sft_rows": False, "dedupe": True})
    assert only_pairs["instructions"].height == 0 and only_pairs["preferences"].height == 9
