"""What the CLI asks of Dagster: the instance, asset selections, in-process builds with one
progress line per step, and the status of every asset (last update, upstream version, staleness,
a failed latest attempt).

The instance is $DAGSTER_HOME's when that is set; otherwise the repo's `dagster.yaml` with its
storage under `<data home>/dagster_home`, so CLI runs and `dagster dev` share one history.
Opening it marks runs whose process is gone (killed builds, a killed `dagster dev`) as failed.
A build holds the data home's build lock and first removes what killed builds left there.
"""

import logging
import os
import re
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import dagster as dg

from bagel_data import locks, storage
from bagel_data.assets.operations import GROUP as UPSTREAM_GROUP
from bagel_data.settings import PROJECT_ROOT

BUILD_JOB = "bagel_cli_build"
BuildLocked = locks.BuildLocked
PID_TAG, HOST_TAG, HOME_TAG = "bagel/pid", "bagel/host", "bagel/home"
IN_FLIGHT = (dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING)


class SelectionError(ValueError):
    """A selection token matched no asset."""


def open_instance(home: Path, repair: bool = True) -> dg.DagsterInstance:
    """The instance for `home`; with `repair`, runs left in flight by dead processes are marked
    failed first (see `fail_orphaned_runs`)."""
    instance = _open_instance(home)
    if repair:
        fail_orphaned_runs(instance)
    return instance


def _open_instance(home: Path) -> dg.DagsterInstance:
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


# --- runs whose process is gone ------------------------------------------------------------------


def _local_run_workers(instance: dg.DagsterInstance) -> bool:
    """Whether runs launched from the UI run as subprocesses on this machine: the default run
    launcher over SQLite files (with Postgres or a K8sRunLauncher they may run anywhere)."""
    from dagster._core.launcher import DefaultRunLauncher
    from dagster._core.storage.runs import SqliteRunStorage

    return isinstance(instance.run_launcher, DefaultRunLauncher) and isinstance(instance.run_storage, SqliteRunStorage)


def _run_process(instance: dg.DagsterInstance, record, local_workers: bool) -> tuple[int, str | None, float] | None:
    """(pid, host or None for this one, a time the process had started by) of a run in flight:
    from the tags a CLI build sets, else (for local run workers) from its RUN_START event."""
    run = record.dagster_run
    if PID_TAG in run.tags:
        return int(run.tags[PID_TAG]), run.tags.get(HOST_TAG), record.create_timestamp.timestamp()
    if not local_workers or run.status != dg.DagsterRunStatus.STARTED:
        return None  # not started yet (the launcher / daemon owns it), or not ours to judge
    starts = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_START)
    if not starts or starts[0].dagster_event is None or starts[0].dagster_event.pid is None:
        return None
    return starts[0].dagster_event.pid, None, starts[0].timestamp


def fail_orphaned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every run in flight whose process is dead (a SIGKILLed `bagel-data build` or
    `dagster dev` leaves its runs STARTED forever); returns their run ids. A run of another host
    is left alone, and so are UI runs unless their workers run here (default launcher, SQLite);
    a pid reused by a younger process counts as dead."""
    records = instance.get_run_records(dg.RunsFilter(statuses=list(IN_FLIGHT)))
    here, failed, local_workers = socket.gethostname(), [], bool(records) and _local_run_workers(instance)
    for record in records:
        found = _run_process(instance, record, local_workers)
        if found is None:
            continue
        pid, host, started_by = found
        if (host or here) != here or locks.pid_alive(pid, started_by=started_by):
            continue
        instance.report_run_failed(record.dagster_run, message=(
            f"Marked failed by bagel-data: the process that ran it (pid {pid} on {host or here}) is gone, "
            "killed or crashed. Nothing it left unfinished was swapped in; the next build removes its debris."))
        failed.append(record.dagster_run.run_id)
    return failed


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
          observed: set[dg.AssetKey], stream=None, home: Path | None = None) -> BuildOutcome:
    """Observe `observed`, then materialize `targets` (with their checks), in this process;
    progress lines go to `stream` (default stdout). With `home`, the whole build holds its build
    lock (BuildLocked at once when another build has it) and first removes the debris of killed
    builds there."""
    if home is None:
        return _build(defs, instance, targets, observed, stream or sys.stdout, {})
    with locks.build_lock(home):
        removed = storage.clean_debris(home)
        if removed:
            print(f"bagel-data build: removed {len(removed)} leftover(s) of killed builds: "
                  + ", ".join(str(p.relative_to(Path(home))) for p in removed[:5]) + (" ..." if len(removed) > 5 else ""),
                  file=stream or sys.stdout, flush=True)
        tags = {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), HOME_TAG: str(Path(home).resolve())}
        return _build(defs, instance, targets, observed, stream or sys.stdout, tags)


def _build(defs, instance, targets, observed, stream, tags: dict[str, str]) -> BuildOutcome:
    job = dg.define_asset_job(BUILD_JOB, selection=dg.AssetSelection.assets(*(targets | observed)))
    job_defs = dg.Definitions.merge(defs, dg.Definitions(jobs=[job], loggers={"progress": _progress_logger(stream)}))
    job_def = job_defs.resolve_job_def(BUILD_JOB)
    steps = len(job_def.graph.node_dict)
    started = time.monotonic()
    result = job_def.execute_in_process(
        instance=instance, raise_on_error=False, tags={"bagel/cli": "build", **tags},
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
    state: str  # fresh | stale | missing | failed | running | observed | never observed
    cause: str  # why stale / failed


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


def _step_name(node) -> str | None:
    assets_def = getattr(node, "assets_def", None)
    return assets_def.node_def.name if assets_def is not None else None


def latest_attempt(instance: dg.DagsterInstance, key: dg.AssetKey, step: str | None = None) -> tuple[str, str] | None:
    """("failed" | "running", why) when the latest run that planned `key` did not materialize it
    (yet); None when the latest attempt succeeded or there was none."""
    planned = instance.get_latest_planned_materialization_info(key)
    if planned is None:
        return None
    records = instance.get_asset_records([key])
    built = records[0].asset_entry.last_materialization_storage_id if records else None
    if built is not None and built > planned.storage_id:
        return None
    run_id = planned.run_id
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return None
    run, when = record.dagster_run, _when(record.end_time or record.create_timestamp.timestamp())
    if run.status in (*IN_FLIGHT, dg.DagsterRunStatus.QUEUED):
        return "running", f"run {run_id[:8]} in progress"
    if run.status not in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED):
        return None
    failures = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    mine = [e for e in failures if e.dagster_event and e.dagster_event.step_key == step]
    if mine:
        why = _root_message(mine[-1].dagster_event.event_specific_data.error)
    elif failures:
        why = f"not run: step {failures[0].dagster_event.step_key} failed first"
    else:
        ends = instance.all_logs(run_id, of_type={dg.DagsterEventType.RUN_FAILURE, dg.DagsterEventType.RUN_CANCELED})
        why = (ends[-1].dagster_event.message if ends and ends[-1].dagster_event else "") or f"run {run.status.value.lower()}"
    return "failed", f"latest attempt failed (run {run_id[:8]}, {when}): {why}"


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
        attempt = latest_attempt(instance, key, _step_name(node))
        if attempt is not None:
            state, cause = attempt
        rows[key] = AssetStatus(key.to_user_string(), node.group_name or "", "asset", _when(event and event.timestamp),
                                event.run_id if event else "", f"{rows_meta.value} rows" if rows_meta is not None else "",
                                state, cause)
    _propagate_stale(rows, graph)
    return list(rows.values())
