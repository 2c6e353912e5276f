"""Operating the pipeline: upstream change detection, schedules, the automation sensor, executor.

- One observable asset per source and per benchmark (group `upstream`, keys
  `upstream/sources/<name>`, `upstream/benchmarks/<name>`), whose data version is the upstream
  version (`bagel_data.upstream`): hub commit sha, or a content hash of the mirror files.
- `observe_upstream` job + schedule (recipe `schedule.observe_cron`, running by default).
- `full_rebuild` job + nightly schedule (recipe `schedule.nightly_cron`, STOPPED until switched on).
- `bagel_automation` sensor evaluating declarative automation (running by default).
- `wire(defs, recipe)`: applied to the merged Definitions, adds what other domains' assets do not
  declare themselves: each source/benchmark asset depends on its upstream observable; every
  materializable asset gets `data_change_eager()` (unless it set its own), so a new upstream
  version re-materializes that one source/benchmark and what depends on it, nothing else, and a
  re-materialization whose data version did not change (a source's is the hash of what it wrote)
  requests nothing downstream; `duckdb_catalog` depends on every other materializable asset.
"""

import os
import warnings

import dagster as dg  # no "from __future__ import annotations": Dagster inspects the context annotation

from dagster_shared.record import replace as replace_record

from bagel_data import upstream
from bagel_data.assets.catalog import CATALOG_KEY
from bagel_data.assets.step_processes import START_METHODS, step_process_executor
from bagel_data.recipe import BenchmarkSpec, Recipe, SourceSpec

GROUP = "upstream"
OBSERVE_JOB = "observe_upstream"
REBUILD_JOB = "full_rebuild"
AUTOMATION_SENSOR = "bagel_automation"
DEFAULT_OBSERVE_CRON = "0 * * * *"
DEFAULT_NIGHTLY_CRON = "0 3 * * *"
DEFAULT_MAX_CONCURRENT = 2


def upstream_key(kind: str, name: str) -> dg.AssetKey:
    return dg.AssetKey([GROUP, kind, name])


def _where(spec: SourceSpec | BenchmarkSpec) -> str:
    lines = []
    for name, up in upstream.spec_inputs(spec).items():
        origin = f"`{up.repo}` @ `{up.revision}`" if up.on_hub else f"`{up.url}` ({', '.join(up.data_files)})"
        lines.append(f"- {name}: {origin}, config `{up.config}`, split `{up.split}`")
    return "\n".join(lines)


def build_upstream_asset(kind: str, spec: SourceSpec | BenchmarkSpec) -> dg.AssetsDefinition:
    key = upstream_key(kind, spec.name)
    on_hub = all(up.on_hub for up in upstream.spec_inputs(spec).values())
    asset_spec = dg.AssetSpec(
        key,
        group_name=GROUP,
        description=(
            f"Upstream version of {kind[:-1]} `{spec.name}`: the dataset commit sha in hub mode, a content "
            f"hash of the resolved files in mirror/samples mode. A new version triggers a rebuild of "
            f"`{kind}/{spec.name}` and what depends on it.\n\n{_where(spec)}"
        ),
        kinds={"huggingface" if on_hub else "http"},
        owners=["team:data"],
        tags={"bagel/role": "upstream"},
    )

    with warnings.catch_warnings():  # the decorator is marked beta
        warnings.simplefilter("ignore", dg.BetaWarning)
        decorator = dg.multi_observable_source_asset(
            specs=[asset_spec], name=f"observe_{kind}__{spec.name}", required_resource_keys={"bagel"}
        )

    @decorator
    def _observe(context: dg.AssetExecutionContext):
        settings = context.resources.bagel.settings()
        version = upstream.version_of(kind, spec, settings)
        context.log.info(f"{kind}/{spec.name}: upstream version {version.version} (mode {settings.mode})")
        files = sum(len(i.files) for i in version.inputs)
        yield dg.ObserveResult(
            asset_key=key,
            data_version=dg.DataVersion(version.version),
            metadata={
                "mode": settings.mode,
                "files": files,
                "bytes": sum(i.bytes for i in version.inputs),
                **{f"input/{name}": text for name, text in upstream.describe(version).items()},
            },
        )

    return _observe


def upstream_assets(recipe: Recipe) -> list[dg.AssetsDefinition]:
    sources = [build_upstream_asset("sources", s) for s in recipe.enabled_sources()]
    benchmarks = [build_upstream_asset("benchmarks", b) for b in recipe.benchmarks.values()]
    return sources + benchmarks


def _status(value: str | None, default: str) -> dg.DefaultScheduleStatus:
    return dg.DefaultScheduleStatus((value or default).upper())


def build_defs(recipe: Recipe) -> dg.Definitions:
    schedule = recipe.schedule
    timezone = schedule.get("timezone", "UTC")
    observables = upstream_assets(recipe)
    observe_job = dg.define_asset_job(OBSERVE_JOB, selection=dg.AssetSelection.assets(*observables), description="Observe every upstream version.")
    rebuild_job = dg.define_asset_job(
        REBUILD_JOB, selection=dg.AssetSelection.all() - dg.AssetSelection.groups(GROUP),
        description="Materialize every asset from the current upstream data.",
    )
    observe_schedule = dg.ScheduleDefinition(
        name="observe_upstream_schedule", job=observe_job, cron_schedule=schedule.get("observe_cron", DEFAULT_OBSERVE_CRON),
        execution_timezone=timezone, default_status=_status(schedule.get("observe_status"), "running"),
        description="Observe upstream versions; the automation sensor rebuilds what changed.",
    )
    nightly_schedule = dg.ScheduleDefinition(
        name="nightly_full_rebuild", job=rebuild_job, cron_schedule=schedule.get("nightly_cron", DEFAULT_NIGHTLY_CRON),
        execution_timezone=timezone, default_status=_status(schedule.get("nightly_status"), "stopped"),
        description="Full rebuild of every source, benchmark, decontamination, mix and catalog. Off until switched on.",
    )
    automation_sensor = dg.AutomationConditionSensorDefinition(
        AUTOMATION_SENSOR, target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus((schedule.get("automation_status") or "running").upper()),
        minimum_interval_seconds=int(schedule.get("automation_interval_s", 60)),
        description="Evaluates declarative automation: a new upstream version rebuilds its asset and everything downstream.",
    )
    return dg.Definitions(
        assets=observables,
        jobs=[observe_job, rebuild_job],
        schedules=[observe_schedule, nightly_schedule],
        sensors=[automation_sensor],
        executor=executor(),
    )


def executor() -> dg.ExecutorDefinition:
    """The executor of every job, chosen by $BAGEL_DATA_EXECUTOR:

    - `multiprocess` (default): one process per step, at most `max_concurrent` at once, default
      $BAGEL_DATA_MAX_CONCURRENT (2); changeable per run in the launchpad
      (`execution: config: max_concurrent: N`). Steps are forked from a forkserver that has
      imported their libraries once (`step_processes.py`; `start_method`, default
      $BAGEL_DATA_START_METHOD or `forkserver`; `spawn` starts every step from a fresh interpreter),
      each step's library threads capped at the cores / max_concurrent (`threads_per_step`).
    - `k8s`: `dagster_k8s.k8s_job_executor`, one Kubernetes Job per step (docs/k8s-executor.md).
    - `in_process`: every step in the run worker (debugging).
    """
    kind = os.environ.get("BAGEL_DATA_EXECUTOR") or "multiprocess"
    if kind == "in_process":
        return dg.in_process_executor
    if kind == "k8s":
        try:
            from dagster_k8s import k8s_job_executor
        except ImportError as exc:
            raise RuntimeError("BAGEL_DATA_EXECUTOR=k8s needs the dagster-k8s package (pip install dagster-k8s==0.29.27)") from exc
        return k8s_job_executor
    if kind != "multiprocess":
        raise ValueError(f"BAGEL_DATA_EXECUTOR={kind!r}: use multiprocess, k8s or in_process")
    default = int(os.environ.get("BAGEL_DATA_MAX_CONCURRENT") or DEFAULT_MAX_CONCURRENT)
    start = os.environ.get("BAGEL_DATA_START_METHOD") or "forkserver"
    if start not in START_METHODS:
        raise ValueError(f"BAGEL_DATA_START_METHOD={start!r}: use one of {sorted(START_METHODS)}")
    return step_process_executor(default, start)


# --- wiring applied to the merged definitions ------------------------------------------------


def _materializable_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    keys = set()
    for item in defs.assets or []:
        if isinstance(item, dg.AssetsDefinition) and item.is_materializable:
            keys |= set(item.keys)
    return keys


def upstream_deps(recipe: Recipe) -> dict[dg.AssetKey, list[dg.AssetKey]]:
    """The observable(s) each source and benchmark asset reads."""
    deps = {}
    for spec in recipe.enabled_sources():
        extra = [upstream_key("benchmarks", b) for b in upstream.benchmarks_read_by(spec, recipe)]
        deps[dg.AssetKey(["sources", spec.name])] = [upstream_key("sources", spec.name), *extra]
    for spec in recipe.benchmarks.values():
        deps[dg.AssetKey(["benchmarks", spec.name])] = [upstream_key("benchmarks", spec.name)]
    return deps


def data_change_eager() -> dg.AutomationCondition:
    """`AutomationCondition.eager()`, except that a dependency counts as updated only when its
    data version changed (Dagster's eager reacts to every new materialization of a dependency)."""
    changed = (
        dg.AutomationCondition.data_version_changed() & ~dg.AutomationCondition.executed_with_root_target()
    ).with_label("data_version_changed_without_root")
    deps_changed = dg.AutomationCondition.any_deps_match(changed | dg.AutomationCondition.will_be_requested()).with_label("any_deps_changed")
    return dg.AutomationCondition.eager().replace("any_deps_updated", deps_changed).with_label("eager_on_data_change")


def catalog_condition() -> dg.AutomationCondition:
    """Eager on data change, but refresh even while some output is still missing (the views skip those)."""
    return data_change_eager().without(~dg.AutomationCondition.any_deps_missing()).with_label("eager_allow_missing")


def _fix_input_keys(assets_def: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """Work around Dagster 1.13.27: `map_asset_specs` adds an op input per new dep but does not
    map it to the dep's key, so a job would not wait for the dep. Map each such input back."""
    from dagster._core.definitions.assets.definition.assets_definition import stringify_asset_key_to_input_name

    known = dict(assets_def.node_keys_by_input_name)
    unmapped = [name for name in assets_def.op.input_dict if name not in known]
    if not unmapped:
        return assets_def
    by_name = {stringify_asset_key_to_input_name(d.asset_key): d.asset_key for s in assets_def.specs for d in s.deps}
    known.update({name: by_name[name] for name in unmapped})
    return dg.AssetsDefinition.dagster_internal_init(**{**assets_def.get_attributes_dict(), "keys_by_input_name": known})


def wire(defs: dg.Definitions, recipe: Recipe) -> dg.Definitions:
    """Add upstream deps, the catalog's deps and eager automation to the merged definitions."""
    materializable = _materializable_keys(defs)
    extra_deps = upstream_deps(recipe)
    extra_deps[CATALOG_KEY] = sorted(materializable - {CATALOG_KEY}, key=lambda k: k.to_user_string())

    def _wire(spec: dg.AssetSpec) -> dg.AssetSpec:
        have = {d.asset_key for d in spec.deps}
        new_deps = [k for k in extra_deps.get(spec.key, []) if k not in have]
        condition = spec.automation_condition or (catalog_condition() if spec.key == CATALOG_KEY else data_change_eager())
        spec = spec.replace_attributes(automation_condition=condition)
        return spec.merge_attributes(deps=new_deps) if new_deps else spec

    assets = []
    for item in defs.assets or []:
        if isinstance(item, dg.AssetsDefinition) and item.is_materializable:
            with warnings.catch_warnings():  # map_asset_specs is marked preview
                warnings.simplefilter("ignore", dg.PreviewWarning)
                item = _fix_input_keys(item.map_asset_specs(_wire))
        assets.append(item)
    return replace_record(defs, assets=assets)  # Definitions is a Dagster record, not a dataclass
