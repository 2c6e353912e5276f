"""External shuffle: rendered rows are spilled into buckets by key range (lz4 Arrow IPC files in
a scratch folder), then read back one bucket at a time and sorted by (key, plan position).

Bucket b holds keys in [b * 2**64 / B, (b + 1) * 2**64 / B), so concatenating the sorted buckets
gives exactly the global (key, position) order whatever B is: memory is bounded by one bucket
and one render chunk, never by the whole mix.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

KEY, POS = "__key", "__pos"


def bucket_count(total_rows: int, rows_per_bucket: int) -> int:
    return max(1, math.ceil(total_rows / rows_per_bucket))


def bucket_of(keys: np.ndarray, buckets: int) -> np.ndarray:
    """Key range index: floor(key * B / 2**64), computed on the top 32 bits (exact for B < 2**32
    up to range edges, and monotone in the key, which is what ordering needs)."""
    return ((keys >> np.uint64(32)) * np.uint64(buckets)) >> np.uint64(32)


class Spill:
    """Buckets on disk; with a single bucket (the whole output fits one chunk) rows stay in memory."""

    def __init__(self, folder: Path, buckets: int):
        self.folder, self.buckets = Path(folder), buckets
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files = 0
        self._held: list[pl.DataFrame] = []

    def add(self, rows: pl.DataFrame) -> None:
        """Append rendered rows (with KEY and POS columns) to their buckets."""
        if rows.is_empty():
            return
        if self.buckets == 1:
            self._held.append(rows)
            return
        bucket = pl.Series("__bucket", bucket_of(rows[KEY].to_numpy(), self.buckets))
        for (b,), part in rows.with_columns(bucket).partition_by("__bucket", as_dict=True, include_key=False).items():
            part.write_ipc(self.folder / f"b{b:06d}-{self._files:06d}.arrow", compression="lz4")
            self._files += 1

    def sorted_buckets(self) -> Iterator[pl.DataFrame]:
        """Each non-empty bucket in key order, its rows sorted by (key, position)."""
        if self._held:
            yield pl.concat(self._held).sort(KEY, POS).drop(KEY, POS)
            self._held = []
        for b in range(self.buckets):
            files = sorted(self.folder.glob(f"b{b:06d}-*.arrow"))
            if files:
                yield pl.concat([pl.read_ipc(f) for f in files]).sort(KEY, POS).drop(KEY, POS)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
