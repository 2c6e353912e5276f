"""Run bookkeeping after faults: runs left STARTED by a dead process are marked failed when the
instance is next opened (live ones are left alone), and `status` shows an asset whose latest
attempt failed as `failed` with the reason, not `fresh` from its older materialization."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import dagster as dg
from dagster._core.events import DagsterEvent
from dagster._core.storage.dagster_run import DagsterRun, make_new_run_id

from bagel_data import cli, runs
from bagel_data_tests.operations.test_cli import ARC_TRAIN


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str], worker_pid: int | None = None) -> str:
    """A run as a process leaves it when it dies mid-run: STARTED, RUN_START from `worker_pid`."""
    run = instance.add_run(DagsterRun(job_name="bagel_cli_build", run_id=make_new_run_id(), tags=tags, status=dg.DagsterRunStatus.NOT_STARTED))
    event = DagsterEvent(event_type_value=dg.DagsterEventType.RUN_START.value, job_name=run.job_name, pid=worker_pid)
    instance.report_dagster_event(event, run_id=run.run_id)
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
    return run.run_id


def test_runs_of_dead_processes_are_marked_failed_on_open(home, clean_env):
    instance = runs.open_instance(home)
    here, dead = socket.gethostname(), _dead_pid()
    killed_cli = _started_run(instance, {runs.PID_TAG: str(dead), runs.HOST_TAG: here})
    killed_ui = _started_run(instance, {}, worker_pid=dead)  # a run worker of a killed `dagster dev`
    live_cli = _started_run(instance, {runs.PID_TAG: str(os.getpid()), runs.HOST_TAG: here})
    other_host = _started_run(instance, {runs.PID_TAG: str(dead), runs.HOST_TAG: "another-host"})
    reused = _started_run(instance, {runs.PID_TAG: "0", runs.HOST_TAG: here})
    time.sleep(2.5)  # /proc start times are known to about a second
    young = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:  # the dead build's pid now belongs to a younger process: still dead
        tags = instance.get_run_by_id(reused).tags
        instance.add_run_tags(reused, {**tags, runs.PID_TAG: str(young.pid)})
        instance = runs.open_instance(home)
    finally:
        young.stdin.close()
        young.wait()
    status = {r: instance.get_run_by_id(r).status for r in (killed_cli, killed_ui, live_cli, other_host, reused)}
    assert status[killed_cli] == status[killed_ui] == status[reused] == dg.DagsterRunStatus.FAILURE
    assert status[live_cli] == status[other_host] == dg.DagsterRunStatus.STARTED
    failure = instance.all_logs(killed_cli, of_type=dg.DagsterEventType.RUN_FAILURE)[0]
    assert f"pid {dead} on {here}" in failure.dagster_event.message and "killed or crashed" in failure.dagster_event.message
    assert runs.fail_orphaned_runs(instance) == [], "nothing left to repair"
    assert runs._local_run_workers(instance), "the CLI's instance: UI runs are local subprocesses"


def test_status_shows_a_failed_latest_attempt(capsys, ops_env):
    assert cli.main(["build", "sources/ai2_arc"]) == 0
    (ops_env["mirror"] / ARC_TRAIN).unlink()  # the next attempt fails; the upstream version is not re-observed
    assert cli.main(["build", "sources/ai2_arc", "--no-observe"]) == 1
    capsys.readouterr()
    assert cli.main(["status", "--json"]) == 0
    rows = {r["asset"]: r for r in json.loads(capsys.readouterr().out)}
    row = rows["sources/ai2_arc"]
    assert row["state"] == "failed", row
    assert row["cause"].startswith("latest attempt failed (run ") and "ARC-Challenge" in row["cause"], row["cause"]
    assert row["detail"].endswith(" rows"), "the last good materialization is still described"
    assert rows["sources/arc_validation"]["state"] == "missing"
    assert cli.main(["status", "--fail-on-stale"]) == 1
    assert "1 failed" in capsys.readouterr().out
