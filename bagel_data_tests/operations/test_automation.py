"""Change detection end to end: observe the upstream versions, build, edit one sample file in a
tmp copy of the samples, observe again, evaluate declarative automation, and see exactly the
affected source (or benchmark-guarded source) and what depends on it requested, nothing else.
Re-materializing a source with unchanged output (same content-hash data version) requests
nothing and leaves its downstream fresh. Also the schedules, the automation sensor, the executor
and the wiring of the merged definitions."""

from __future__ import annotations

import io
import shutil

import dagster as dg
import polars as pl
import pytest
import yaml

from dagster._core.definitions.data_version import StaleStatus

from bagel_data import runs, upstream
from bagel_data.assets.catalog import CATALOG_KEY
from bagel_data.assets.operations import upstream_key
from bagel_data.definitions import build_definitions
from bagel_data.recipe import load_recipe
from bagel_data.settings import Settings
from bagel_data_tests.operations.conftest import small_recipe_dict

ARC_TRAIN = "allenai/ai2_arc/ARC-Challenge/train-00000-of-00001.parquet"
HUMANEVAL = "openai/openai_humaneval/openai_humaneval/test-00000-of-00001.parquet"
SRC = {name: dg.AssetKey(["sources", name]) for name in ("ai2_arc", "arc_validation", "python_alpaca")}


def _downstream(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    out, todo = set(), [key]
    while todo:
        for child in graph.get(todo.pop()).child_keys:
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _requested_keys(result) -> set[dg.AssetKey]:
    return {r.key for r in result.results if result.get_num_requested(r.key) > 0}


def _observe(defs, instance) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def("observe_upstream").execute_in_process(instance=instance, raise_on_error=False)


@pytest.fixture
def world(ops_env):
    """Definitions on the small recipe, every upstream observed, the sources really built and
    every other asset recorded as materialized (they are not recomputed here)."""
    defs = build_definitions(ops_env["recipe"])
    graph = defs.resolve_asset_graph()
    instance = dg.DagsterInstance.ephemeral()
    assert _observe(defs, instance).success
    outcome = runs.build(defs, instance, set(SRC.values()), set(), stream=io.StringIO())
    assert outcome.success, outcome.failed_steps
    for key in graph.get_all_asset_keys():  # external stubs too (a dep some domain has not built yet)
        if not graph.get(key).is_observable and key not in SRC.values():
            instance.report_runless_asset_event(dg.AssetMaterialization(key))
    first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert _requested_keys(first) == set(), "nothing changed, nothing should be requested"
    return {**ops_env, "defs": defs, "graph": graph, "instance": instance, "cursor": first.cursor}


def _tick(world):
    result = dg.evaluate_automation_conditions(defs=world["defs"], instance=world["instance"], cursor=world["cursor"])
    world["cursor"] = result.cursor
    return _requested_keys(result)


def test_changed_source_file_requests_that_source_and_its_downstream_only(world):
    path = world["mirror"] / ARC_TRAIN
    frame = pl.read_parquet(path)
    frame.with_columns(pl.col("question").str.replace("plants", "trees")).write_parquet(path)
    assert _observe(world["defs"], world["instance"]).success

    requested = _tick(world)
    expected = {SRC["ai2_arc"]} | _downstream(world["graph"], SRC["ai2_arc"])
    assert requested == expected
    assert CATALOG_KEY in requested
    assert SRC["arc_validation"] not in requested and SRC["python_alpaca"] not in requested
    assert not any(k.path[0] == "benchmarks" for k in requested)

    # Requested once; observing the same files again requests nothing more.
    assert _observe(world["defs"], world["instance"]).success
    assert _tick(world) == set()


def test_unchanged_observation_requests_nothing(world):
    assert _observe(world["defs"], world["instance"]).success
    assert _tick(world) == set()


def _data_version(instance, key: dg.AssetKey) -> str:
    record = instance.fetch_materializations(key, limit=1).records[0]
    return record.asset_materialization.tags["dagster/data_version"]


def _stale_status(instance, graph, key: dg.AssetKey):
    """What the UI shows as stale/fresh (Dagster's own resolver, as its test utilities build it)."""
    from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
    from dagster._core.definitions.data_version import CachingStaleStatusResolver  # what the webserver uses
    from dagster._time import get_current_datetime

    view = AssetGraphView(
        temporal_context=TemporalContext(effective_dt=get_current_datetime(), last_event_id=None),
        instance=instance, asset_graph=graph,
    )
    return CachingStaleStatusResolver(instance, graph, loading_context=view).get_status(key)


def _rebuild(defs, instance, keys) -> None:
    assert runs.build(defs, instance, set(keys), set(), stream=io.StringIO()).success


def _edit_arc_questions(mirror) -> None:
    path = mirror / ARC_TRAIN
    frame = pl.read_parquet(path)
    frame.with_columns(pl.col("question").str.replace("plants", "trees")).write_parquet(path)


def test_rematerializing_an_unchanged_source_requests_nothing_downstream(world):
    """A source's data version is the hash of the parts it wrote: the same output again keeps the
    version and automation requests nothing; changed output requests everything downstream."""
    key = SRC["ai2_arc"]
    before = _data_version(world["instance"], key)
    _rebuild(world["defs"], world["instance"], {key})
    assert len(world["instance"].fetch_materializations(key, limit=5).records) == 2
    assert _data_version(world["instance"], key) == before
    assert _tick(world) == set()

    _edit_arc_questions(world["mirror"])  # new output without a new observation: a manual rebuild
    _rebuild(world["defs"], world["instance"], {key})
    assert _data_version(world["instance"], key) != before
    assert _tick(world) == _downstream(world["graph"], key)


def test_unchanged_source_leaves_its_downstream_fresh(ops_env, tmp_path):
    """Staleness as the UI shows it: sft_shards built from one source stays fresh when the source
    is rebuilt with the same output, and turns stale when the output changes."""
    raw = small_recipe_dict()
    raw["sources"] = {"ai2_arc": raw["sources"]["ai2_arc"]}
    raw["decontamination"] = {**raw.get("decontamination", {}), "enabled": False}
    path = tmp_path / "one-source.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    defs = build_definitions(load_recipe(path))
    graph, instance = defs.resolve_asset_graph(), dg.DagsterInstance.ephemeral()
    key, sft = SRC["ai2_arc"], dg.AssetKey("sft_shards")
    _rebuild(defs, instance, {key, sft})
    assert _stale_status(instance, graph, sft) == StaleStatus.FRESH
    _rebuild(defs, instance, {key})
    assert _stale_status(instance, graph, sft) == StaleStatus.FRESH
    _edit_arc_questions(ops_env["mirror"])
    _rebuild(defs, instance, {key})
    assert _stale_status(instance, graph, sft) == StaleStatus.STALE


def test_changed_benchmark_requests_the_benchmark_and_guarded_sources_only(world):
    path = world["mirror"] / HUMANEVAL
    frame = pl.read_parquet(path)
    frame.with_columns(pl.col("prompt") + "\n# edited upstream").write_parquet(path)
    assert _observe(world["defs"], world["instance"]).success

    requested = _tick(world)
    humaneval = upstream_key("benchmarks", "humaneval")
    expected = _downstream(world["graph"], humaneval)
    assert requested == expected
    assert SRC["python_alpaca"] in requested  # its HumanEval guard reads the benchmark
    assert SRC["ai2_arc"] not in requested and SRC["arc_validation"] not in requested


def test_observation_reports_the_upstream_version(world):
    settings = Settings(mode="samples", mirror=world["mirror"], home=world["home"])
    spec = world["recipe"].sources["ai2_arc"]
    record = world["instance"].fetch_observations(upstream_key("sources", "ai2_arc"), limit=1).records[0]
    assert record.asset_observation.tags["dagster/data_version"] == upstream.version_of("sources", spec, settings).version
    assert record.asset_observation.metadata["files"].value == 1


def test_missing_upstream_fails_its_observation_and_keeps_the_others(ops_env):
    shutil.rmtree(ops_env["mirror"] / "Vezora")
    defs = build_definitions(ops_env["recipe"])
    instance = dg.DagsterInstance.ephemeral()
    result = _observe(defs, instance)
    assert not result.success
    failed = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failed] == ["observe_sources__python_alpaca"]
    assert "Vezora/Tested-22k-Python-Alpaca" in failed[0].event_specific_data.error.to_string()
    assert instance.fetch_observations(upstream_key("sources", "ai2_arc"), limit=1).records


def test_schedules_sensor_and_executor(ops_env, monkeypatch):
    monkeypatch.setenv("BAGEL_DATA_MAX_CONCURRENT", "3")
    defs = build_definitions(ops_env["recipe"])
    nightly = defs.resolve_schedule_def("nightly_full_rebuild")
    assert nightly.cron_schedule == "30 2 * * *"  # from the recipe
    assert nightly.default_status == dg.DefaultScheduleStatus.STOPPED
    observe = defs.resolve_schedule_def("observe_upstream_schedule")
    assert observe.cron_schedule == "*/15 * * * *"
    assert observe.default_status == dg.DefaultScheduleStatus.RUNNING
    sensor = defs.resolve_sensor_def("bagel_automation")
    assert isinstance(sensor, dg.AutomationConditionSensorDefinition)
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING

    graph = defs.resolve_asset_graph()
    rebuild = defs.resolve_job_def("full_rebuild")
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert set(rebuild.asset_layer.executable_asset_keys) == materializable
    executor = rebuild.executor_def
    assert executor.name == "bagel_multiprocess"
    assert executor.config_schema.config_type.fields["max_concurrent"].default_value == 3


def test_wiring_of_the_merged_definitions(ops_env):
    defs = build_definitions(ops_env["recipe"])
    graph = defs.resolve_asset_graph()
    for name, key in SRC.items():
        assert upstream_key("sources", name) in graph.get(key).parent_keys
    assert upstream_key("benchmarks", "humaneval") in graph.get(SRC["python_alpaca"]).parent_keys
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    for key in materializable:
        assert graph.get(key).automation_condition is not None, key
    assert set(graph.get(CATALOG_KEY).parent_keys) == materializable - {CATALOG_KEY}
    for key in graph.get_all_asset_keys():
        if graph.get(key).is_observable:
            assert graph.get(key).group_name == "upstream"
            assert key.path[0] == "upstream"


def test_executor_choice(monkeypatch):
    from bagel_data.assets.operations import executor

    monkeypatch.setenv("BAGEL_DATA_EXECUTOR", "in_process")
    assert executor() is dg.in_process_executor
    monkeypatch.setenv("BAGEL_DATA_EXECUTOR", "threads")
    with pytest.raises(ValueError, match="multiprocess, k8s or in_process"):
        executor()
    monkeypatch.setenv("BAGEL_DATA_EXECUTOR", "k8s")
    try:
        import dagster_k8s  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="dagster-k8s"):
            executor()
    else:
        assert executor().name == "k8s"
