"""A real multiprocess run of the code location (what the UI, schedules and sensors launch): the
steps are forked from the executor's forkserver and must finish, a decontamination step
embedding with the sentence-transformers the forkserver imported. A forkserver that had run
Polars before forking would leave its step processes hanging at their first parallel Polars
operation; this run would then hit the timeout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from bagel_data.recipe import load_recipe

ROOT = Path(__file__).resolve().parents[2]


def test_source_and_benchmark_steps_finish_under_the_forkserver_executor(tmp_path):
    dagster_home = tmp_path / "dagster"
    dagster_home.mkdir()
    env = {
        **os.environ, "DAGSTER_HOME": str(dagster_home), "BAGEL_DATA_HOME": str(tmp_path / "home"), "BAGEL_DATA_MODE": "samples",
        "BAGEL_DATA_EXECUTOR": "multiprocess", "BAGEL_DATA_START_METHOD": "forkserver", "BAGEL_DATA_MAX_CONCURRENT": "2",
    }
    dagster = Path(sys.executable).with_name("dagster")
    selection = "sources/ai2_arc,sources/boolq,sources/mmlu,group:benchmarks,decontamination/ai2_arc"
    proc = subprocess.run([str(dagster), "asset", "materialize", "-m", "bagel_data.definitions", "--select", selection],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    benchmarks = len(load_recipe().benchmarks)
    assert "multiprocess executor" in proc.stderr and proc.stderr.count("STEP_WORKER_STARTED") == 3 + benchmarks + 1, "each step ran in its own process"
    assert 'decontamination__ai2_arc - STEP_SUCCESS' in proc.stderr
    assert any((tmp_path / "home" / "cache" / "embeddings").rglob("part-*.parquet")), "the forked decontamination step embedded texts"
    for source in ("ai2_arc", "boolq", "mmlu"):
        assert pl.scan_parquet(tmp_path / "home" / "normalized" / source / "instructions.parquet").select(pl.len()).collect().item() > 0
    assert (tmp_path / "home" / "benchmarks" / "alpaca_eval.parquet").is_file()


def test_the_forkserver_imports_the_embedding_libraries_only_for_runs_that_embed():
    from bagel_data.assets.step_processes import EMBEDDING_MODULES, PRELOAD_MODULES, preload_modules

    assert "sentence_transformers" in EMBEDDING_MODULES and "polars" in PRELOAD_MODULES
    assert preload_modules(["sources__mmlu", "benchmarks__mmlu"]) == PRELOAD_MODULES
    assert preload_modules(["sources__mmlu", "decontamination__mmlu"]) == PRELOAD_MODULES + EMBEDDING_MODULES
    assert not any(m.startswith("bagel_data.definitions") for m in preload_modules(["decontamination__x"])), "definitions run Polars: never in the forkserver"
