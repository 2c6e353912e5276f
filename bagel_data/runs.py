"""What the CLI asks of Dagster: the instance, asset selections, in-process builds with one
progress line per step, and the status of every asset (last update, upstream version, staleness).

The instance is $DAGSTER_HOME's when that is set; otherwise the repo's `dagster.yaml` with its
storage under `<data home>/dagster_home`, so CLI runs and `dagster dev` share one history.
"""

import logging
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import dagster as dg

from bagel_data.assets.operations import GROUP as UPSTREAM_GROUP
from bagel_data.settings import PROJECT_ROOT

BUILD_JOB = "bagel_cli_build"


class SelectionError(ValueError):
    """A selection token matched no asset."""


def open_instance(home: Path) -> dg.DagsterInstance:
    import os

    from dagster._core.instance.ref import InstanceRef

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    base = Path(home).resolve() / "dagster_home"
    base.mkdir(parents=True, exist_ok=True)
    config_dir = PROJECT_ROOT if (PROJECT_ROOT / "dagster.yaml").is_file() else base
    overrides = {
        "storage": {"sqlite": {"base_dir": str(base / "storage")}},
        "local_artifact_storage": {"module": "dagster._core.storage.root", "class": "LocalArtifactStorage", "config": {"base_dir": str(base)}},
        "compute_logs": {"module": "dagster._core.storage.local_compute_log_manager", "class": "LocalComputeLogManager", "config": {"base_dir": str(base / "logs")}},
    }
    ref = InstanceRef.from_dir(str(base), config_dir=str(config_dir), overrides=overrides)
    return dg.DagsterInstance.from_ref(ref)


# --- selection ---------------------------------------------------------------------------------


def _observables(graph) -> set[dg.AssetKey]:
    return {k for k in graph.get_all_asset_keys() if graph.get(k).is_observable}


def _observable_matches(token: str, observables: set[dg.AssetKey]) -> set[dg.AssetKey]:
    if token == f"group:{UPSTREAM_GROUP}":
        return set(observables)
    pattern = token.removeprefix("key:").strip('"')
    return {k for k in observables if fnmatch(k.to_user_string(), pattern)}


def resolve_selection(tokens: Sequence[str], graph, observe: bool = True) -> tuple[set[dg.AssetKey], set[dg.AssetKey]]:
    """(assets to materialize, upstream observables to observe first) for CLI selection tokens.

    No token = everything. A token is an asset key path (`sources/ai2_arc`, wildcards allowed:
    `sources/*`) or Dagster selection syntax (`group:sources`, `+key:duckdb_catalog`, `kind:duckdb`).
    With `observe`, the upstream observables the selected assets read are observed first."""
    observables = _observables(graph)
    if not tokens:
        targets = set(dg.AssetSelection.all().resolve(graph))
        return targets, (observables if observe else set())
    targets, observed = set(), set()
    for token in tokens:
        if ":" not in token and "*" in token:  # a key pattern: sources/* -> key:sources/*
            token = re.sub(r"^(\+*)(.*?)(\+*)$", r"\1key:\2\3", token)
        found_observed = _observable_matches(token, observables)
        if re.fullmatch(r"[\w./-]+", token):  # a plain key path
            key = dg.AssetKey.from_user_string(token)
            found = {key} if key in graph.get_all_asset_keys() and graph.get(key).is_materializable else set()
        else:
            try:
                found = set(dg.AssetSelection.from_string(token).resolve(graph))
            except Exception as exc:  # noqa: BLE001 - Dagster raises several types for bad syntax
                raise SelectionError(f"cannot parse selection {token!r}: {exc}") from exc
        if not found and not found_observed:
            raise SelectionError(f"selection {token!r} matches no asset (try `bagel-data status` for the list)")
        targets |= found
        observed |= found_observed
    if observe:
        observed |= {p for k in targets for p in graph.get(k).parent_keys if p in observables}
    return targets, observed


# --- build with progress -----------------------------------------------------------------------


class ProgressHandler(logging.Handler):
    """Turns Dagster events into one line per finished step (observed / built / failed)."""

    def __init__(self, total: int, stream):
        super().__init__(logging.DEBUG)
        self.total, self.stream, self.done = total, stream, 0
        self.started: dict[str, float] = {}
        self.notes: dict[str, list[str]] = {}

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None:
            return
        step, kind = event.step_key, event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
        elif kind == "ASSET_OBSERVATION":
            obs = event.event_specific_data.asset_observation
            version = obs.tags.get("dagster/data_version", "?")
            self.notes.setdefault(step, []).append(f"observed {obs.asset_key.to_user_string()} version {version[:16]}")
        elif kind == "ASSET_MATERIALIZATION":
            mat = event.event_specific_data.materialization
            rows = mat.metadata.get("dagster/row_count")
            self.notes.setdefault(step, []).append(
                f"built {mat.asset_key.to_user_string()}" + (f" ({rows.value} rows)" if rows is not None else "")
            )
        elif kind == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed:
                self.notes.setdefault(step, []).append(f"CHECK FAILED {check.asset_key.to_user_string()}:{check.check_name}")
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            self.done += 1
            seconds = time.monotonic() - self.started.get(step, time.monotonic())
            prefix = f"[{self.done:>{len(str(self.total))}}/{self.total}]"
            if kind == "STEP_SUCCESS":
                for note in self.notes.pop(step, None) or [f"ran {step}"]:
                    self._say(f"{prefix} {note} in {seconds:.1f}s")
            else:
                message = _root_message(event.event_specific_data.error)
                self._say(f"{prefix} FAILED {step} after {seconds:.1f}s: {message}")


def _root_message(error) -> str:
    """The user's exception under Dagster's step error wrappers, on one line."""
    while error is not None and error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    lines = (error.message or "").strip().splitlines() if error is not None else []
    return lines[-1] if lines else "unknown error"


def _progress_logger(stream):
    @dg.logger(config_schema={"total": dg.Field(int, default_value=0)}, description="one line per step")
    def progress(init_context):
        log = logging.getLogger(f"bagel_data.progress.{id(init_context)}")
        log.handlers = [ProgressHandler(init_context.logger_config["total"], stream)]
        log.setLevel(logging.DEBUG)
        log.propagate = False
        return log

    return progress


@dataclass
class BuildOutcome:
    success: bool
    run_id: str
    steps: int
    succeeded: int
    failed_steps: list[str]
    failed_checks: list[str]
    seconds: float

    @property
    def not_run(self) -> int:
        """Steps that never ran because a step they wait for failed."""
        return self.steps - self.succeeded - len(self.failed_steps)


def build(defs: dg.Definitions, instance: dg.DagsterInstance, targets: set[dg.AssetKey],
          observed: set[dg.AssetKey], stream=None) -> BuildOutcome:
    """Observe `observed`, then materialize `targets` (with their checks), in this process;
    progress lines go to `stream` (default stdout)."""
    stream = stream or sys.stdout
    job = dg.define_asset_job(BUILD_JOB, selection=dg.AssetSelection.assets(*(targets | observed)))
    job_defs = dg.Definitions.merge(defs, dg.Definitions(jobs=[job], loggers={"progress": _progress_logger(stream)}))
    job_def = job_defs.resolve_job_def(BUILD_JOB)
    steps = len(job_def.graph.node_dict)
    started = time.monotonic()
    result = job_def.execute_in_process(
        instance=instance, raise_on_error=False, tags={"bagel/cli": "build"},
        run_config={"loggers": {"progress": {"config": {"total": steps}}}},
    )
    failed_steps = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    failed_checks = [
        f"{e.event_specific_data.asset_key.to_user_string()}:{e.event_specific_data.check_name}"
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    succeeded = sum(e.event_type_value == "STEP_SUCCESS" for e in result.all_events)
    return BuildOutcome(result.success and not failed_checks, result.run_id, steps, succeeded, failed_steps, failed_checks,
                        time.monotonic() - started)


# --- status --------------------------------------------------------------------------------------


@dataclass
class AssetStatus:
    asset: str
    group: str
    kind: str  # "upstream" (observable) | "asset"
    last_update: str  # UTC time of the last materialization / observation, "" if never
    run_id: str
    detail: str  # data version (upstream) or row count
    state: str  # fresh | stale | missing | observed | never observed
    cause: str  # why stale


def _when(timestamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp)) if timestamp else ""


def _stale_resolver(instance: dg.DagsterInstance, graph):
    from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
    from dagster._core.definitions.data_version import CachingStaleStatusResolver
    from dagster._time import get_current_datetime

    view = AssetGraphView(temporal_context=TemporalContext(effective_dt=get_current_datetime(), last_event_id=None),
                          instance=instance, asset_graph=graph)
    return CachingStaleStatusResolver(instance=instance, asset_graph=graph, loading_context=view)


def _cause_text(causes) -> str:
    return "; ".join(sorted({f"{c.dependency.asset_key.to_user_string() if c.dependency else c.key.asset_key.to_user_string()}: {c.reason}" for c in causes}))


def _propagate_stale(rows: dict[dg.AssetKey, AssetStatus], graph) -> None:
    """Dagster calls an asset stale only when a direct dependency changed; here an asset built from
    a stale one is stale too (a rebuild will redo it), with the stale ancestor as the cause."""
    done: set[dg.AssetKey] = set()

    def visit(key: dg.AssetKey) -> None:
        if key in done:
            return
        done.add(key)
        parents = [p for p in sorted(graph.get(key).parent_keys, key=lambda k: k.to_user_string()) if p in rows]
        for parent in parents:
            visit(parent)
        row = rows[key]
        if row.state == "fresh":
            stale = [p.to_user_string() for p in parents if rows[p].state == "stale"]
            if stale:
                row.state, row.cause = "stale", "built from stale " + ", ".join(stale)

    for key in rows:
        visit(key)


def status(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[AssetStatus]:
    graph = defs.resolve_asset_graph()
    resolver = _stale_resolver(instance, graph)
    rows: dict[dg.AssetKey, AssetStatus] = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        if node.is_observable:
            records = instance.fetch_observations(key, limit=1).records
            record = records[0] if records else None
            version = record.asset_observation.tags.get("dagster/data_version", "") if record else ""
            rows[key] = AssetStatus(key.to_user_string(), node.group_name or "", "upstream", _when(record and record.timestamp),
                                    record.run_id if record else "", version, "observed" if record else "never observed", "")
            continue
        if not node.is_materializable:
            continue
        event = instance.get_latest_materialization_event(key)
        rows_meta = event.asset_materialization.metadata.get("dagster/row_count") if event else None
        state = resolver.get_status(key).value.lower() if event else "missing"
        cause = _cause_text(resolver.get_stale_root_causes(key)) if state == "stale" else ""
        rows[key] = AssetStatus(key.to_user_string(), node.group_name or "", "asset", _when(event and event.timestamp),
                                event.run_id if event else "", f"{rows_meta.value} rows" if rows_meta is not None else "",
                                state, cause)
    _propagate_stale(rows, graph)
    return list(rows.values())
