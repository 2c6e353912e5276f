"""A real multiprocess run of the code location (what the UI, schedules and sensors launch): the
steps are forked from the executor's forkserver and must finish. A forkserver that imported
Polars before forking would leave its step processes hanging at their first parallel Polars
operation; this run would then hit the timeout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]


def test_source_and_benchmark_steps_finish_under_the_forkserver_executor(tmp_path):
    dagster_home = tmp_path / "dagster"
    dagster_home.mkdir()
    env = {
        **os.environ, "DAGSTER_HOME": str(dagster_home), "BAGEL_DATA_HOME": str(tmp_path / "home"), "BAGEL_DATA_MODE": "samples",
        "BAGEL_DATA_EXECUTOR": "multiprocess", "BAGEL_DATA_START_METHOD": "forkserver", "BAGEL_DATA_MAX_CONCURRENT": "2",
    }
    dagster = Path(sys.executable).with_name("dagster")
    selection = "sources/ai2_arc,sources/boolq,sources/mmlu,benchmarks/alpaca_eval,benchmarks/mmlu"
    proc = subprocess.run([str(dagster), "asset", "materialize", "-m", "bagel_data.definitions", "--select", selection],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "multiprocess executor" in proc.stderr and proc.stderr.count("STEP_WORKER_STARTED") == 5, "each step ran in its own process"
    for source in ("ai2_arc", "boolq", "mmlu"):
        assert pl.scan_parquet(tmp_path / "home" / "normalized" / source / "instructions.parquet").select(pl.len()).collect().item() > 0
    assert (tmp_path / "home" / "benchmarks" / "alpaca_eval.parquet").is_file()
