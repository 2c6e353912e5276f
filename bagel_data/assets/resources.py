"""The `bagel` resource: run settings (reading mode, mirror folder, data home) for every asset.

The code location configures it from the environment (BAGEL_DATA_MODE, BAGEL_DATA_MIRROR,
BAGEL_DATA_HOME), so the CLI, the UI and tests agree without extra config. `mode` is an enum in
the launchpad: an unknown mode fails when the run config is checked, before any step runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

import dagster as dg
from pydantic import Field

from bagel_data.settings import MODES, PROJECT_ROOT, Settings

Mode = Literal["samples", "mirror", "hub"]
assert get_args(Mode) == MODES, "Mode must list settings.MODES"


class BagelResource(dg.ConfigurableResource):
    """Where every asset reads upstream data and writes its outputs: reading mode (samples, mirror
    or hub), mirror folder and data home. Defaults come from BAGEL_DATA_MODE, BAGEL_DATA_MIRROR and
    BAGEL_DATA_HOME. To change one field in the launchpad give all three: Dagster replaces a
    resource's whole config (an empty mirror or home means the environment's value)."""

    # No pydantic defaults: Dagster would make the fields Optional ("Noneable") in the UI.
    # Defaults live in __init__ and in default_bagel_resource() instead.
    mode: Mode = Field(description="samples: the shipped sample mirror (or `mirror`); mirror: a local mirror in hub layout; hub: the Hugging Face hub at the recipe's revisions.")
    mirror: str = Field(description="Mirror root laid out like the hub repos (required in mirror mode). Empty: $BAGEL_DATA_MIRROR, else the shipped samples.")
    home: str = Field(description="Data home for every output (normalized/, output/, bagel.duckdb ...). Empty: $BAGEL_DATA_HOME, else <project>/data.")

    def __init__(self, *, mode: Mode = "samples", mirror: str = "", home: str = ""):
        super().__init__(mode=mode, mirror=mirror, home=home)

    def settings(self) -> Settings:
        mirror = self.mirror or os.environ.get("BAGEL_DATA_MIRROR") or ""
        home = self.home or os.environ.get("BAGEL_DATA_HOME") or ""
        return Settings(
            mode=self.mode,
            mirror=Path(mirror) if mirror else None,
            home=Path(home) if home else PROJECT_ROOT / "data",
        )

    def provenance(self) -> dict[str, str]:
        """What a materialization read, for its metadata: mode and the mirror folder it used."""
        settings = self.settings()
        root = settings.mirror_root
        return {"mode": settings.mode, "mirror": str(root) if root else "(none: hub)"}


def default_bagel_resource() -> BagelResource:
    env = Settings.from_env()
    return BagelResource(mode=env.mode, mirror=str(env.mirror or ""), home=str(env.home))
