"""Helpers for sample writers: deterministic Parquet files and hub README configs."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet(rows: list[dict], path: Path, schema: pa.Schema | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="snappy")


def write_jsonl(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def write_readme(repo_dir: Path, configs: list[dict], title: str) -> None:
    """A hub dataset card whose YAML header lists `configs` (config_name, data_files[split, path])."""
    import yaml

    repo_dir.mkdir(parents=True, exist_ok=True)
    header = yaml.safe_dump({"configs": configs}, sort_keys=False)
    body = f"# {title}\n\nSample written by bagel-data for tests; same layout and fields as the hub repo.\n"
    (repo_dir / "README.md").write_text(f"---\n{header}---\n{body}", encoding="utf-8")
