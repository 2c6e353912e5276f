"""toxic: off in the shipped recipe (content warning); converts when a recipe enables it."""

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
    assert pairs.height == 9 and pairs["system"].null_count() == 9
    assert rejects.select("row_key", "reason").rows() == [
        (KEY.format(10), "filter: identical pair"),
        (KEY.format(11), "malformed: empty prompt"),
        (KEY.format(12), "malformed: empty chosen"),
        (KEY.format(8), "filter: duplicate prompt"),
    ]
    first = pairs.row(0, named=True)
    assert first["prompt"] == "Write a savage roast of my friend who is always late."
    assert first["rejected"] == "I'm sorry, but I can't help with that request.", "no refusal filter: the rejected side is the refusal"
