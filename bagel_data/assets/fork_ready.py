"""Imported last by the step forkserver (`step_processes.py`), so that a forked step starts with
its job already built and without a copy-on-write of the forkserver's heap.

- The code location's definitions and its asset job are built here once, with the recipe's regex
  check skipped (`recipe_schema.regexes_trusted`): that check runs Polars, whose thread pool must
  never start in a process that forks (a step forked after it hangs at its first parallel Polars
  call). The run process has already loaded the same recipe with every check. A step whose code
  pointer is this module finds it imported, its repository and job cached; if building fails
  here, each step builds its own, as without this module.
- `gc.freeze()` then moves every object the preloaded imports created into the collector's
  permanent generation. Without it, the first full collection in each step walks the whole
  inherited heap (Dagster, Polars, torch, ...), writing to every object's header, so each step
  paid a copy-on-write of that heap (about 0.5 s) before its work.
"""

import gc

from dagster._core.definitions.assets.job.asset_job import IMPLICIT_ASSET_JOB_NAME

from bagel_data import recipe_schema

try:
    with recipe_schema.regexes_trusted():
        from bagel_data.definitions import defs
    defs.get_repository_def().get_job(IMPLICIT_ASSET_JOB_NAME)
except Exception:  # noqa: BLE001 - the steps then build their definitions themselves
    pass

gc.freeze()
