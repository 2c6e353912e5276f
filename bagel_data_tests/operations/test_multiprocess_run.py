"""A real multiprocess run of the code location (what the UI, schedules and sensors launch): the
steps are forked from the executor's forkserver and must finish, a decontamination step
embedding with the sentence-transformers the forkserver imported. A forkserver that had run
Polars before forking would leave its step processes hanging at their first parallel Polars
operation; this run would then hit the timeout. The forkserver builds the definitions and the
asset job (`fork_ready`) without ever starting Polars' thread pool."""

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
    from bagel_data.assets.step_processes import EMBEDDING_MODULES, PRELOAD_MODULES, READY_MODULE, preload_modules

    assert "sentence_transformers" in EMBEDDING_MODULES and "polars" in PRELOAD_MODULES
    assert preload_modules(["sources__mmlu", "benchmarks__mmlu"]) == PRELOAD_MODULES + [READY_MODULE]
    assert preload_modules(["sources__mmlu", "decontamination__mmlu"]) == PRELOAD_MODULES + EMBEDDING_MODULES + [READY_MODULE]


FORKSERVER_IMPORTS = """
import gc, os, sys
from bagel_data.assets.step_processes import preload_modules
for name in preload_modules(["decontamination__mmlu"]):
    __import__(name)
threads = [open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")]
from dagster._core.definitions.assets.job.asset_job import IMPLICIT_ASSET_JOB_NAME
repository = sys.modules["bagel_data.definitions"].defs.get_repository_def()
print(repr(dict(threads=threads, frozen=gc.get_freeze_count(), job_built=repository.has_job(IMPLICIT_ASSET_JOB_NAME)
                and IMPLICIT_ASSET_JOB_NAME in repository._repository_data._jobs._definition_cache)))  # Dagster internals: its job cache
"""


def test_the_forkserver_builds_the_job_without_starting_polars_threads(tmp_path):
    env = {**os.environ, "BAGEL_DATA_HOME": str(tmp_path / "home"), "BAGEL_DATA_MODE": "samples"}
    proc = subprocess.run([sys.executable, "-c", FORKSERVER_IMPORTS], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    state = eval(proc.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr
    assert not [t for t in state["threads"] if t.startswith("polars-") and t[7:].isdigit()], f"Polars' pool started: {state['threads']}"
    assert state["job_built"], "the asset job was not built before forking"
    assert state["frozen"] > 100_000, "the preloaded heap was not frozen for the collector"


def test_steps_share_the_cores_unless_told_otherwise():
    from bagel_data.threads import thread_environment, threads_per_process

    assert threads_per_process(0, at_once=2, available=2) == 1
    assert threads_per_process(0, at_once=2, available=16) == 8
    assert threads_per_process(0, at_once=0, available=16) == 1, "one step per core"
    assert threads_per_process(0, at_once=4, available=2) == 1, "never below one"
    assert threads_per_process(3, at_once=2, available=2) == 3, "configured wins"
    assert thread_environment(1, {}) == {"POLARS_MAX_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    assert thread_environment(4, {"OMP_NUM_THREADS": "2"}) == {"POLARS_MAX_THREADS": "4", "MKL_NUM_THREADS": "4"}, "the user's variables win"
