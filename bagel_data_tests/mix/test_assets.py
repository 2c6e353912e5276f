"""The sft_shards / dpo_shards assets: materialized with crafted sources, checks reported,
metadata attached; the live manifest check fails on a tampered shard; a failing output raises."""

from __future__ import annotations

import dagster as dg
import pytest

from bagel_data.assets import mix
from bagel_data.assets.resources import BagelResource
from bagel_data.storage import Layout
from bagel_data_tests.mix.crafted import conversation, instructions, make_recipe, preferences, write_removals, write_source


def _setup(home):
    write_source(home, "chat", instructions=instructions("chat", [conversation(f"q{i}", f"a{i}") for i in range(12)]))
    write_source(home, "pairs", preferences=preferences("pairs", [(f"p{i}", f"good{i}", f"bad{i}") for i in range(6)]))
    write_removals(home, [])
    return make_recipe({"chat": {"priority": 1}, "pairs": {"priority": 2}}, decontamination=True)


def _materialize(recipe, home, raise_on_error=True):
    defs = mix.build_defs(recipe)
    return dg.materialize([*defs.assets, *defs.asset_checks], resources={"bagel": BagelResource(home=str(home))}, raise_on_error=raise_on_error)


def test_assets_materialize_with_checks_and_metadata(home):
    recipe = _setup(home)
    defs = mix.build_defs(recipe)
    sft = next(a for a in defs.assets if a.key == dg.AssetKey("sft_shards"))
    deps = {d for deps in sft.asset_deps.values() for d in deps}
    assert deps == {dg.AssetKey(["sources", "chat"]), dg.AssetKey(["sources", "pairs"]), dg.AssetKey("contamination_matches")}
    result = _materialize(recipe, home)
    assert result.success
    meta = {e.asset_key.path[0]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert meta["sft_shards"]["dagster/row_count"].value == 12 * 4
    assert meta["dpo_shards"]["dagster/row_count"].value == 6 * 4
    selection = {r.data["source"]: r.data for r in meta["sft_shards"]["selection_by_source"].records}
    assert selection["chat"]["selected"] == 12
    checks = {(e.asset_key.path[0], e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks[("dpo_shards", "chosen_differs_from_rejected")] and checks[("sft_shards", "live_shards_match_manifest")]
    assert len(checks) == 5 + 6 + 2 and all(checks.values())


def test_live_manifest_check_fails_on_a_tampered_shard(home):
    recipe = _setup(home)
    assert _materialize(recipe, home).success
    shard = Layout(home).output("sft") / "part-00000.parquet"
    shard.write_bytes(shard.read_bytes()[:-9] + b"corrupted")
    defs = mix.build_defs(recipe)
    live = [c for c in defs.asset_checks if dg.AssetKey("sft_shards") in {k.asset_key for k in c.check_keys}]
    result = dg.materialize(live, resources={"bagel": BagelResource(home=str(home))}, selection=dg.AssetSelection.checks(*live), raise_on_error=False)
    evaluation = result.get_asset_check_evaluations()[0]
    assert not evaluation.passed and "sha256 mismatch" in evaluation.description


def test_bad_output_fails_the_asset(home):
    recipe = _setup(home)
    write_source(home, "pairs", preferences=preferences("pairs", [("p", " same", " same")]))
    with pytest.raises(dg.Failure, match="chosen_differs_from_rejected"):
        _materialize(recipe, home)
