"""The `bagel` resource: run settings (reading mode, mirror folder, data home) for every asset.

Config in the UI / run config, with env-var defaults (BAGEL_DATA_MODE, BAGEL_DATA_MIRROR,
BAGEL_DATA_HOME) so the CLI, `dagster dev` and tests agree without extra config.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from bagel_data.settings import PROJECT_ROOT, Settings


class BagelResource(dg.ConfigurableResource):
    mode: str = "samples"  # samples | mirror | hub
    mirror: str = ""  # mirror root (mirror mode); empty = shipped samples in samples mode
    home: str = ""  # data home for outputs; empty = <project>/data

    def settings(self) -> Settings:
        return Settings(
            mode=self.mode,
            mirror=Path(self.mirror) if self.mirror else None,
            home=Path(self.home) if self.home else PROJECT_ROOT / "data",
        )


def default_bagel_resource() -> BagelResource:
    env = Settings.from_env()
    return BagelResource(mode=env.mode, mirror=str(env.mirror or ""), home=str(env.home))
