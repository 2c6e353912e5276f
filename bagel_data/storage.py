"""Where every artifact lives under the data home, and atomic writes (temp file, then rename).

A killed run never leaves a half-written file under a final name: readers (DuckDB views, later
assets, training jobs) only ever see complete files.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

NORMALIZED_PARTS = ("instructions", "preferences", "texts", "rejects")


class Layout:
    """Paths of every artifact below one data home."""

    def __init__(self, home: Path):
        self.home = Path(home)

    def normalized(self, source: str, part: str) -> Path:
        return self.home / "normalized" / source / f"{part}.parquet"

    def normalized_glob(self, part: str) -> str:
        return str(self.home / "normalized" / "*" / f"{part}.parquet")

    def benchmark(self, name: str) -> Path:
        return self.home / "benchmarks" / f"{name}.parquet"

    @property
    def mix_dir(self) -> Path:
        return self.home / "mix"

    @property
    def output_dir(self) -> Path:
        return self.home / "output"

    def output(self, product: str) -> Path:  # product: "sft" | "dpo"
        return self.output_dir / product

    @property
    def decontam_dir(self) -> Path:
        return self.home / "decontam"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def duckdb_path(self) -> Path:
        return self.home / "bagel.duckdb"


def _tmp_sibling(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def write_parquet(table: pa.Table, path: Path, *, compression: str = "zstd", row_group_size: int | None = None) -> Path:
    """Write `table` to `path` atomically; deterministic bytes for equal tables."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path)
    try:
        pq.write_table(table, tmp, compression=compression, row_group_size=row_group_size)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text(text: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_json(obj: Any, path: Path) -> Path:
    return write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", path)


def replace_dir(staged: Path, final: Path) -> Path:
    """Swap a fully written staging folder into place as `final` (old contents removed)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, old)
    os.replace(staged, final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def staging_dir(final: Path) -> Path:
    """A fresh empty sibling folder to write a multi-file output into before `replace_dir`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staged = final.with_name(f".{final.name}.staging-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    staged.mkdir()
    return staged
