"""Thread budgets for processes that run side by side (the multiprocess executor's steps, the
benchmark's workers): each gets the cores divided by how many run at once, set through the
libraries' environment variables before the processes start.

Two processes each running two threads on two cores slow each other down far more than the
cores explain: torch's OpenMP threads spin while they wait for a core (at 1M rows the benchmark's
decontamination took 79.8 s with two threads per worker, 54.9 s with one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

# Polars; torch, faiss and Arrow's CPU pool (OpenMP's variable); MKL where a build uses it
THREAD_VARIABLES = ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def threads_per_process(configured: int, at_once: int, available: int | None = None) -> int:
    """Threads each process's libraries may use: as configured, or (0) the cores shared by the
    processes that run at once (`at_once` 0 = one per core)."""
    if configured > 0:
        return configured
    available = available or cores()
    return max(1, available // (at_once or available))


def thread_environment(threads: int, environ: Mapping[str, str]) -> dict[str, str]:
    """The variables to set: every thread variable the user has not set, and the tokenizers' own
    pool off when a process has a single thread."""
    values = {name: str(threads) for name in THREAD_VARIABLES if name not in environ}
    if threads == 1 and "TOKENIZERS_PARALLELISM" not in environ:
        values["TOKENIZERS_PARALLELISM"] = "false"
    return values


@contextmanager
def thread_budget(at_once: int, configured: int = 0) -> Iterator[int]:
    """Within: this process's environment holds the thread variables for processes started now
    (a forkserver, spawned workers), `at_once` of them side by side; restored on exit. Yields the
    threads each gets."""
    threads = threads_per_process(configured, at_once)
    added = thread_environment(threads, os.environ)
    os.environ.update(added)
    try:
        yield threads
    finally:
        for name in added:
            os.environ.pop(name, None)
