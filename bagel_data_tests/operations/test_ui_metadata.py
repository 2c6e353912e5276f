"""What the UI shows: native tables whose text keeps the prompt tokens, descriptions on every
check and on the `bagel` resource, `mode` as an enum checked with the run config, and what a
source materialization read (mode, mirror, upstream revision)."""

from __future__ import annotations

import io

import dagster as dg
import polars as pl
import pytest

from bagel_data import runs
from bagel_data.assets.metadata import counts_table, preview, table
from bagel_data.assets.resources import BagelResource
from bagel_data.definitions import build_definitions

CHATML = "<s>system\nBe brief.\n</s>\n<s>user\nHi [INST] <<SYS>>\n</s>\n<s>assistant\n"


def test_preview_is_a_native_table_that_keeps_format_tokens():
    value = preview(pl.DataFrame({"format": ["chatml"], "prompt": [CHATML], "n": [3]}))
    assert isinstance(value, dg.TableMetadataValue)
    assert [c.name for c in value.schema.columns] == ["format", "prompt", "n"]
    prompt = value.records[0].data["prompt"]
    assert prompt.startswith("<s>system⏎Be brief.⏎</s>⏎<s>user⏎Hi [INST] <<SYS>>")  # newlines as ⏎, tokens as text
    long = preview(pl.DataFrame({"t": ["x" * 500]})).records[0].data["t"]
    assert len(long) == 120 and long.endswith("…")


def test_count_tables_are_typed_and_sorted():
    value = counts_table({"filter: refusal": 2, "malformed: empty": 5})
    assert [(c.name, c.type) for c in value.schema.columns] == [("reason", "string"), ("rows", "int")]
    assert [r.data for r in value.records] == [{"reason": "malformed: empty", "rows": 5}, {"reason": "filter: refusal", "rows": 2}]
    mixed = table(["source", "rows", "share"], [["a", 3, 0.5], ["b", None, 0.25]])
    assert [c.type for c in mixed.schema.columns] == ["string", "int", "float"]


def test_every_check_and_the_bagel_resource_are_described(ops_env):
    defs = build_definitions(ops_env["recipe"])
    graph = defs.resolve_asset_graph()
    check_keys = graph.asset_check_keys
    assert {k.name for k in check_keys} >= {"parts_match_schema", "no_contaminated_rows", "matches_point_at_indexed_items"}
    for key in check_keys:
        assert graph.get_check_spec(key).description, f"check {key.asset_key.to_user_string()}:{key.name} has no description"

    resource_def = defs.resources["bagel"].get_resource_definition()
    assert "reading mode" in resource_def.description
    fields = resource_def.config_schema.config_type.fields
    # The UI shows configTypeKey: plain String (StringSourceType) and the mode enum, never Noneable.
    assert fields["mirror"].config_type.key == "StringSourceType" and fields["home"].config_type.key == "StringSourceType"
    assert sorted(fields["mode"].config_type.config_values) == ["hub", "mirror", "samples"]  # an Enum config type
    assert all(f.description for f in fields.values())


def test_unknown_mode_fails_when_the_run_config_is_checked(ops_env):
    defs = build_definitions(ops_env["recipe"])
    job = defs.resolve_job_def("full_rebuild")
    bogus = {"resources": {"bagel": {"config": {"mode": "bogus", "mirror": "", "home": str(ops_env["home"])}}}}
    with pytest.raises(dg.DagsterInvalidConfigError, match="bogus"):
        job.execute_in_process(run_config=bogus, instance=dg.DagsterInstance.ephemeral())
    assert not ops_env["home"].exists(), "nothing ran"


def test_source_materialization_records_mode_mirror_revision_and_data_version(ops_env):
    defs = build_definitions(ops_env["recipe"])
    instance = dg.DagsterInstance.ephemeral()
    key = dg.AssetKey(["sources", "ai2_arc"])
    assert runs.build(defs, instance, {key}, set(), stream=io.StringIO()).success
    record = instance.fetch_materializations(key, limit=1).records[0].asset_materialization
    meta = record.metadata
    assert meta["mode"].value == "samples" and meta["mirror"].value == str(ops_env["mirror"])
    revision = ops_env["recipe"].sources["ai2_arc"].upstream.revision
    assert meta["upstream_revision"].value == f"allenai/ai2_arc@{revision}"
    assert isinstance(meta["preview"], dg.TableMetadataValue) and isinstance(meta["dropped_by_reason"], dg.TableMetadataValue)
    assert len(record.tags["dagster/data_version"]) == 24  # the content hash, not Dagster's run-based version


def test_resource_defaults_come_from_the_environment(ops_env):
    settings = BagelResource(mode="samples").settings()  # empty mirror/home: the environment's
    assert settings.home == ops_env["home"] and settings.mirror == ops_env["mirror"]


def test_sft_shards_metadata_shows_every_format_with_its_tokens(home):
    from bagel_data.assets import mix
    from bagel_data_tests.mix.crafted import conversation, instructions, make_recipe, write_source

    write_source(home, "chat", instructions=instructions("chat", [conversation(f"q{i}", f"a{i}", f"q{i}b", f"a{i}b") for i in range(6)]))
    recipe = make_recipe({"chat": {}})
    defs = mix.build_defs(recipe)
    result = dg.materialize([*defs.assets, *defs.asset_checks], resources={"bagel": BagelResource(home=str(home))}, selection=["sft_shards"])
    meta = next(e.materialization.metadata for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("sft_shards"))

    by_format = meta["rows_by_source_format"]
    assert [c.name for c in by_format.schema.columns] == ["source", "alpaca", "chatml", "llama2", "vicuna"]
    assert by_format.records[0].data["source"] == "chat" and by_format.records[0].data["chatml"] > 0
    examples = {r.data["format"]: r.data for r in meta["examples_by_format"].records}
    assert sorted(examples) == ["alpaca", "chatml", "llama2", "vicuna"]
    assert "<s>" in examples["chatml"]["prompt"] and "</s>" in examples["chatml"]["prompt"]
    assert "[INST]" in examples["llama2"]["prompt"]
    assert isinstance(meta["preview"], dg.TableMetadataValue) and isinstance(meta["selection_by_source"], dg.TableMetadataValue)
    specs = {s.key.name: s.description for s in defs.assets[0].check_specs}
    assert all(specs.values()) and "contamination_matches" in specs["no_contaminated_rows"]
