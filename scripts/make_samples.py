"""Regenerate the shipped sample mirror under data/samples/ (hub layout, real field names).

Each module in scripts/samples/ owns one upstream repo's sample files and exposes
`write(root: Path) -> None`; files in formats that are plain text (JSONL, CSV, TXT) may instead be
committed as written by hand. Output is deterministic: rerunning changes no bytes.

    python scripts/make_samples.py            # all
    python scripts/make_samples.py ai2_arc    # one
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def main(argv: list[str]) -> None:
    import samples

    names = argv or sorted(m.name for m in pkgutil.iter_modules(samples.__path__) if not m.name.startswith("_"))
    for name in names:
        importlib.import_module(f"samples.{name}").write(ROOT / "data" / "samples")
        print(f"wrote samples for {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
