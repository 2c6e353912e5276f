"""The local executor: Dagster's multiprocess executor, one process per step, each forked from a
forkserver that has already imported what steps use and built the job they run.

The forkserver imports Dagster (its SQLite storage included), Polars, Arrow, pandas and this
package's asset modules and, only when the run has decontamination steps, sentence-transformers
(5 s of imports that every cold decontamination step paid on its own). Last, `fork_ready` builds
the definitions and the asset job and freezes the heap for the garbage collector. Importing
Polars is fork-safe; *using* it is not: its thread pool starts at the first parallel operation,
and a process forked after that hangs at its own first one, so nothing in the forkserver may run
Polars (`fork_ready` skips the recipe's Polars regex check; `test_multiprocess_run.py` runs real
forked steps).

Each step's libraries get `threads_per_step` threads (default: the cores over `max_concurrent`;
`bagel_data/threads.py`), set through their environment variables before the first step starts,
unless the user set them: at 1M rows the sources and decontamination steps took 120.6 s with two
threads each on two cores, 104.3-104.9 s with one.
"""

from collections.abc import Iterable, Iterator

import dagster as dg
from dagster._core.definitions.executor_definition import multiple_process_executor_requirements
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.multiprocess import MultiprocessExecutor

from bagel_data.threads import thread_budget

PRELOAD_MODULES = [
    "dagster", "polars", "pyarrow", "pandas",  # pandas: pyarrow imports it at its first numpy conversion (0.3 s a step)
    "dagster._core.storage.sqlite_storage", "dagster._core.storage.local_compute_log_manager",
    "bagel_data.assets.sources", "bagel_data.assets.decontam", "bagel_data.assets.mix",
    "bagel_data.assets.catalog", "bagel_data.assets.operations",
]
EMBEDDING_MODULES = ["sentence_transformers"]
READY_MODULE = "bagel_data.assets.fork_ready"  # last: builds the job, then freezes what all imports created
START_METHODS = ("forkserver", "spawn")
NAME = "bagel_multiprocess"


def preload_modules(step_keys: Iterable[str]) -> list[str]:
    """What the forkserver imports for a run of these steps."""
    embeds = any(key.startswith("decontamination__") for key in step_keys)
    return PRELOAD_MODULES + (EMBEDDING_MODULES if embeds else []) + [READY_MODULE]


class StepProcessExecutor(MultiprocessExecutor):
    """The multiprocess executor, its forkserver's imports chosen by the run's steps and each
    step's library threads capped."""

    def __init__(self, *args, threads_per_step: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self._threads_per_step = threads_per_step

    def execute(self, plan_context, execution_plan) -> Iterator[dg.DagsterEvent]:
        self._explicit_forkserver_preload = preload_modules(execution_plan.step_keys_to_execute)
        with thread_budget(self._max_concurrent, self._threads_per_step):  # inherited by the forkserver (or each spawned step)
            yield from super().execute(plan_context, execution_plan)


def step_process_executor(max_concurrent: int, start_method: str) -> dg.ExecutorDefinition:
    """The executor definition (defaults: steps at once, start method); both changeable per run."""

    @dg.executor(
        name=NAME,
        requirements=multiple_process_executor_requirements(),
        config_schema={
            "max_concurrent": dg.Field(int, default_value=max_concurrent, description="Steps run at once (0 = one per CPU)."),
            "start_method": dg.Field(
                dg.Enum("bagel_start_method", [dg.EnumValue(m) for m in START_METHODS]), default_value=start_method,
                description="forkserver: steps fork from a process that imported Dagster, Polars, the asset modules (and for "
                "decontamination sentence-transformers) once; spawn: every step imports them itself.",
            ),
            "threads_per_step": dg.Field(
                int, default_value=0,
                description="Threads each step's Polars, Arrow, torch and faiss may use (0 = the cores / max_concurrent). "
                "POLARS_MAX_THREADS, OMP_NUM_THREADS or MKL_NUM_THREADS set in the environment win.",
            ),
        },
    )
    def bagel_multiprocess(init_context: dg.InitExecutorContext) -> StepProcessExecutor:
        config = init_context.executor_config
        return StepProcessExecutor(retries=RetryMode.ENABLED, max_concurrent=config["max_concurrent"], start_method=config["start_method"],
                                   threads_per_step=config["threads_per_step"])

    return bagel_multiprocess
