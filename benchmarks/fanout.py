"""Multiprocess fan-out of the per-source steps, measured: the same Dagster selection (every
`sources/*`, `benchmarks/*` and `decontamination/*` step, the union and the summary) on the same
synthetic mirror, once with the in-process executor and once with the multiprocess executor
(`BAGEL_DATA_EXECUTOR`, `BAGEL_DATA_MAX_CONCURRENT`), each through `dagster asset materialize`
with a fresh data home and instance. Prints both wall times and the speed-up.

`--threads-per-step 1` caps Polars, Arrow, torch/OpenMP and the tokenizers at one thread in both
runs, as a one-CPU pod of a cluster would be: on a small machine, where the in-process run's own
threads already fill the cores, that shows how the fan-out itself scales.

    .venv/bin/python benchmarks/fanout.py --rows 50000 [--max-concurrent 2] [--threads-per-step 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SELECTION = "group:sources or group:benchmarks or group:decontamination"


def thread_caps(threads: int | None) -> dict[str, str]:
    """Environment that holds every library's pool at `threads` (nothing when None)."""
    from bagel_data.threads import thread_environment

    return {} if threads is None else thread_environment(threads, {})


def materialize(work: Path, executor: str, max_concurrent: int, threads: int | None = None) -> float:
    home, dagster_home = work / f"home-{executor}", work / f"dagster-{executor}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(dagster_home, ignore_errors=True)
    dagster_home.mkdir(parents=True)
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(dagster_home), "BAGEL_DATA_HOME": str(home),
        "BAGEL_DATA_MODE": "mirror", "BAGEL_DATA_MIRROR": str(work / "mirror"),
        "BAGEL_DATA_EXECUTOR": executor, "BAGEL_DATA_MAX_CONCURRENT": str(max_concurrent), **thread_caps(threads),
    }
    dagster = Path(sys.executable).with_name("dagster")
    t = time.perf_counter()
    proc = subprocess.run([str(dagster), "asset", "materialize", "-m", "bagel_data.definitions", "--select", SELECTION],
                          env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(f"{executor} run failed:\n{proc.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--max-concurrent", type=int, default=2)
    parser.add_argument("--threads-per-step", type=int, default=None, help="cap every library's threads (default: their own)")
    args = parser.parse_args()
    from make_synthetic import make_mirror

    work = Path(tempfile.mkdtemp(prefix="bagel-fanout-"))
    try:
        make_mirror(work / "mirror", args.rows)
        serial = materialize(work, "in_process", 1, args.threads_per_step)
        parallel = materialize(work, "multiprocess", args.max_concurrent, args.threads_per_step)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpus = len(os.sched_getaffinity(0))
    threads = "libraries' own threads" if args.threads_per_step is None else f"{args.threads_per_step} thread(s) per step"
    print(f"fan-out of the per-source steps, --rows {args.rows:,}, {cpus} cores, {threads}, load average {os.getloadavg()[0]:.1f}:")
    print(f"in_process {serial:.1f} s, multiprocess (max_concurrent={args.max_concurrent}) {parallel:.1f} s: speed-up {serial / parallel:.2f}x")


if __name__ == "__main__":
    main()
