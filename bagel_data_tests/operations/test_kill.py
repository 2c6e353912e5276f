"""SIGKILL a `bagel-data build` (a subprocess on the samples, own data home) at several points,
then rerun: the shards are byte-identical to an uninterrupted build, no staging folder or temp
file is left, only the live and the previous version remain, and every killed run is marked
failed. The kill points are taken from what the build leaves on disk, polled every few ms:
while sources are written, while the SFT output is staged, and just after it was swapped in."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import yaml

from bagel_data import cli, runs
from bagel_data.settings import PROJECT_ROOT
from bagel_data.storage import Layout, versions_dir
from bagel_data_tests.operations.conftest import small_recipe_dict

DEBRIS = re.compile(r"\.(staging|tmp|old|link)-")
POLL_S, KILL_TIMEOUT_S = 0.005, 120


def _recipe(tmp_path: Path) -> Path:
    raw = small_recipe_dict()  # two ARC sources and one benchmark, no embedding model: seconds per build
    raw["sources"] = {name: raw["sources"][name] for name in ("ai2_arc", "arc_validation")}
    raw["benchmarks"] = {"arc_challenge": raw["benchmarks"]["arc_challenge"]}
    raw["decontamination"]["enabled"] = False
    path = tmp_path / "kill-recipe.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _env(home: Path, recipe: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAGEL_DATA_", "DAGSTER_HOME"))}
    return {**env, "PYTHONPATH": str(PROJECT_ROOT), "BAGEL_DATA_HOME": str(home), "BAGEL_DATA_RECIPE": str(recipe), "BAGEL_DATA_MODE": "samples"}


def _staging(home: Path) -> list[Path]:
    return list((Layout(home).output_dir / ".versions" / "sft").glob(".staging-*"))


KILL_POINTS = {  # name -> condition on the data home that triggers the kill
    "sources written": lambda home: any((home / "normalized").glob("*/*.parquet")),
    "sft staged": lambda home: bool(_staging(home)),
    "sft swapped in": lambda home: Layout(home).output("sft").exists(),
}


def _build_killed_when(home: Path, env: dict, point: str) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "bagel_data.cli", "build"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    condition, deadline = KILL_POINTS[point], time.monotonic() + KILL_TIMEOUT_S
    try:
        while not condition(home):
            assert proc.poll() is None, f"build ended before {point!r}: {proc.stdout.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, f"no {point!r} within {KILL_TIMEOUT_S}s"
            time.sleep(POLL_S)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL


def _shards(home: Path) -> dict[str, str]:
    out = Layout(home).output_dir
    return {f"{p}/{f.name}": hashlib.sha256(f.read_bytes()).hexdigest() for p in ("sft", "dpo") for f in sorted((out / p).iterdir())}


def test_killed_builds_leave_nothing_behind_and_rerun_byte_identical(tmp_path, clean_env):
    recipe = _recipe(tmp_path)
    reference = tmp_path / "reference"
    assert cli.main(["build", "--home", str(reference), "--recipe", str(recipe), "--mode", "samples"]) == 0  # uninterrupted

    home = tmp_path / "killed"
    env = _env(home, recipe)
    _build_killed_when(home, env, "sources written")
    _build_killed_when(home, env, "sft staged")
    assert _staging(home), "the kill left a staging folder (what the next build must remove)"
    _build_killed_when(home, env, "sft swapped in")

    rerun = subprocess.run([sys.executable, "-m", "bagel_data.cli", "build"], env=env, capture_output=True, text=True, check=False, timeout=KILL_TIMEOUT_S)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert _shards(home) == _shards(reference)

    debris = [p for p in home.rglob("*") if DEBRIS.search(p.name)]
    assert not debris, f"left behind: {debris}"
    for product in ("sft", "dpo"):
        final = Layout(home).output(product)
        kept = {p.name for p in versions_dir(final).iterdir()}
        assert kept <= {final.resolve().name, "previous", (versions_dir(final) / "previous").resolve().name}, kept

    instance = runs.open_instance(home, repair=False)
    statuses = sorted(r.status.value for r in instance.get_runs(dg.RunsFilter(tags={"bagel/cli": "build"})))
    assert statuses == ["FAILURE"] * 3 + ["SUCCESS"], statuses
    for record in instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE])):
        message = instance.all_logs(record.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[0].dagster_event.message
        assert "killed or crashed" in message
