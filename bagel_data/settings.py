"""Run settings: where upstream data is read from (mode, mirror) and where outputs go (home).

Defaults come from env vars so the CLI, `dagster dev` and tests agree:
BAGEL_DATA_MODE (samples | mirror | hub), BAGEL_DATA_MIRROR (mirror root), BAGEL_DATA_HOME
(output root, default `<project>/data`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = PROJECT_ROOT / "data" / "samples"
MODES = ("samples", "mirror", "hub")


@dataclass(frozen=True)
class Settings:
    mode: str = "samples"
    mirror: Path | None = None
    home: Path = PROJECT_ROOT / "data"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}: use one of {', '.join(MODES)}")
        if self.mode == "mirror" and not self.mirror:
            raise ValueError("mode 'mirror' needs a mirror folder (BAGEL_DATA_MIRROR or resource config 'mirror')")

    def check_folders(self) -> None:
        """Raise ValueError unless the folders exist as this mode needs them: the mirror folder
        (mirror mode, or samples mode with a mirror) and, when it exists already, the data home."""
        if self.mirror is not None and self.mode in ("mirror", "samples"):
            if not Path(self.mirror).is_dir():
                what = "is not a folder" if Path(self.mirror).exists() else "does not exist"
                raise ValueError(f"mirror folder {self.mirror} {what} (BAGEL_DATA_MIRROR or --mirror, mode {self.mode})")
        if Path(self.home).exists() and not Path(self.home).is_dir():
            raise ValueError(f"data home {self.home} is not a folder (BAGEL_DATA_HOME or --home)")

    @property
    def mirror_root(self) -> Path | None:
        """The folder laid out like the hub repos, or None in hub mode."""
        if self.mode == "samples":
            return Path(self.mirror) if self.mirror else SAMPLES_DIR
        if self.mode == "mirror":
            return Path(self.mirror)
        return None

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {
            "mode": os.environ.get("BAGEL_DATA_MODE", "samples"),
            "mirror": Path(os.environ["BAGEL_DATA_MIRROR"]) if os.environ.get("BAGEL_DATA_MIRROR") else None,
            "home": Path(os.environ.get("BAGEL_DATA_HOME") or PROJECT_ROOT / "data"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
