"""The local executor: Dagster's multiprocess executor, one process per step, each forked from a
forkserver that has already imported what steps use, so a step starts in about a second.

The forkserver imports Dagster, Polars, Arrow and this package's asset modules and, only when
the run has decontamination steps, sentence-transformers (5 s of imports that every cold
decontamination step paid on its own). Importing them is fork-safe; *using* Polars is not:
its thread pool starts at the first parallel operation, and a process forked after that hangs
at its own first one. So the definitions (whose recipe check runs Polars) are built in each
step, never in the forkserver (`test_multiprocess_run.py` runs real forked steps).
"""

from collections.abc import Iterable, Iterator

import dagster as dg
from dagster._core.definitions.executor_definition import multiple_process_executor_requirements
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.multiprocess import MultiprocessExecutor

PRELOAD_MODULES = [
    "dagster", "polars", "pyarrow",
    "bagel_data.assets.sources", "bagel_data.assets.decontam", "bagel_data.assets.mix",
    "bagel_data.assets.catalog", "bagel_data.assets.operations",
]
EMBEDDING_MODULES = ["sentence_transformers"]
START_METHODS = ("forkserver", "spawn")
NAME = "bagel_multiprocess"


def preload_modules(step_keys: Iterable[str]) -> list[str]:
    """What the forkserver imports for a run of these steps."""
    embeds = any(key.startswith("decontamination__") for key in step_keys)
    return PRELOAD_MODULES + (EMBEDDING_MODULES if embeds else [])


class StepProcessExecutor(MultiprocessExecutor):
    """The multiprocess executor, its forkserver's imports chosen by the run's steps."""

    def execute(self, plan_context, execution_plan) -> Iterator[dg.DagsterEvent]:
        self._explicit_forkserver_preload = preload_modules(execution_plan.step_keys_to_execute)
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
        },
    )
    def bagel_multiprocess(init_context: dg.InitExecutorContext) -> StepProcessExecutor:
        config = init_context.executor_config
        return StepProcessExecutor(retries=RetryMode.ENABLED, max_concurrent=config["max_concurrent"], start_method=config["start_method"])

    return bagel_multiprocess
