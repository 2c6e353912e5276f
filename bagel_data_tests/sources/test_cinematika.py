"""cinematika: four instruction files (category = file) and two plain-text inputs, "[scene]"
markers stripped everywhere; as the original bagel code, only scene_by_scene texts are deduplicated
(switch dedupe)."""

from __future__ import annotations

import polars as pl

from bagel_data.sources import run_converter
from bagel_data_tests.helpers import convert


def test_samples_convert_every_input(sample_settings, recipe):
    converted, tables = run_converter(recipe.sources["cinematika"], recipe, sample_settings)
    parts = {p: pl.from_arrow(t) for p, t in tables.items()}
    assert converted.rows_in == 11 + 5 + 3
    assert (parts["instructions"].height, parts["texts"].height) == (9, 5)
    assert parts["instructions"]["id"].n_unique() == 9
    assert parts["rejects"].select("row_key", "reason").sort("row_key").rows() == [
        ("plain_full_script.parquet:2", "malformed: empty plain_full_script"),
        ("prompt_to_character_card.parquet:2", "malformed: empty output"),
        ("rp_to_character_card.parquet:2", "malformed: empty input"),
        ("scene_by_scene.parquet:2", "malformed: empty scene_by_scene"),  # only a marker
        ("scene_by_scene.parquet:3", "filter: duplicate text"),
    ]
    assert parts["instructions"]["category"].unique().sort().to_list() == [
        "prompt_to_character_card", "rp_to_character_card", "scene_enhancement", "scene_summary",
    ]  # fmt: skip


def test_dedupe_switch_drops_the_repeated_instruction(sample_settings):
    parts = convert("cinematika", sample_settings, options={"dedupe": True})
    repeats = parts["rejects"].filter(pl.col("reason") == "filter: duplicate instruction")["row_key"].to_list()
    assert repeats == ["rp_to_character_card.parquet:1"]  # same prompt as in prompt_to_character_card


def test_scene_markers_are_stripped(sample_settings):
    parts = convert("cinematika", sample_settings)
    enhance = parts["instructions"].filter(pl.col("row_key") == "scene_enhancement.parquet:0")["conversation"].to_list()[0]
    assert enhance == [
        {"role": "user", "content": "Enhance this scene: INT. DINER - NIGHT. Walter drinks coffee."},
        {"role": "assistant", "content": "INT. DINER - NIGHT\nRain streaks the windows. WALTER nurses a cold coffee, watching the door."},
    ]
    texts = parts["texts"]
    assert texts.filter(pl.col("row_key") == "scene_by_scene.parquet:1")["text"][0] == (
        "EXT. ROOFTOP - DAWN\nZEE: The cameras loop every ninety seconds.\nWALTER: Then we have eighty-nine."
    )
    assert not any("[scene]" in t for t in texts["text"].to_list())
    assert not any("[scene]" in turn["content"] for conv in parts["instructions"]["conversation"].to_list() for turn in conv)
    script = texts.filter(pl.col("row_key") == "plain_full_script.parquet:1")["text"][0]
    assert script.startswith("FADE IN:\n\nINT. SAFEHOUSE - NIGHT 1\n") and script.endswith("\n\nFADE OUT.")
    assert set(texts["source"]) == {"cinematika"}
