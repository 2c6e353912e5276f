"""Resolve which files of a hub-layout folder hold one (config, split) of a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bagel_data.recipe import Upstream

DATA_EXTENSIONS = (".parquet", ".jsonl", ".json", ".csv", ".tsv", ".txt", ".jsonl.gz", ".json.gz")


def readme_configs(repo_dir: Path) -> list[dict[str, Any]]:
    """The `configs:` list from the YAML header of the repo's README.md (empty if none)."""
    readme = repo_dir / "README.md"
    if not readme.is_file():
        return []
    text = readme.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return []
    header = text.split("---", 2)[1]
    meta = yaml.safe_load(header) or {}
    return list(meta.get("configs") or [])


def _patterns_from_configs(configs: list[dict[str, Any]], up: Upstream) -> list[str] | None:
    if not configs:
        return None
    wanted = up.config or "default"
    chosen = next((c for c in configs if c.get("config_name") == wanted), None)
    if chosen is None and up.config is None:
        chosen = next((c for c in configs if c.get("default")), configs[0] if len(configs) == 1 else None)
    if chosen is None:
        names = [c.get("config_name") for c in configs]
        raise FileNotFoundError(f"config {wanted!r} not in README.md configs {names}")
    files = chosen.get("data_files")
    if isinstance(files, (str, list)) and (isinstance(files, str) or all(isinstance(f, str) for f in files)):
        return [files] if isinstance(files, str) else list(files)
    for entry in files or []:
        if entry.get("split") == up.split:
            path = entry.get("path")
            return [path] if isinstance(path, str) else list(path)
    splits = [e.get("split") for e in files or []]
    raise FileNotFoundError(f"split {up.split!r} not in config {wanted!r} (splits {splits})")


def _conventional_patterns(up: Upstream) -> list[str]:
    prefix = f"{up.config}/" if up.config else ""
    return [
        f"{prefix}{up.split}-*",
        f"{prefix}{up.split}/*",
        f"{prefix}data/{up.split}-*",
        f"data/{up.split}-*",
        f"{prefix}{up.split}.*",
    ]


def resolve_files(repo_dir: Path, up: Upstream) -> list[Path]:
    """Data files for `up` inside `repo_dir`, sorted; raise FileNotFoundError saying what was tried."""
    if not repo_dir.is_dir():
        raise FileNotFoundError(f"folder {repo_dir} does not exist")
    explicit = list(up.data_files) or _patterns_from_configs(readme_configs(repo_dir), up)
    if explicit:  # every listed pattern must match: a source must not lose a file silently
        found: set[Path] = set()
        for pattern in explicit:
            matched = {p for p in repo_dir.glob(pattern) if p.is_file() and not p.name.startswith(".")}
            if not matched:
                raise FileNotFoundError(f"no file in {repo_dir} matches data_files pattern {pattern!r}")
            found |= matched
        return sorted(found)
    tried = _conventional_patterns(up)
    for pattern in tried:
        found_list = sorted(p for p in repo_dir.glob(pattern) if p.is_file() and not p.name.startswith(".") and p.name.endswith(DATA_EXTENSIONS))
        if found_list:
            return found_list
    raise FileNotFoundError(f"no data files in {repo_dir} matching {tried}")
