"""Streaming shard writer: output rows arrive in final order, chunk by chunk, and are cut into
`part-NNNNN.parquet` files of a set row count or of a set size in uncompressed text bytes
(the UTF-8 bytes of every string value of a row, message contents included); the last shard
holds the rest. Optional `part-NNNNN.jsonl` twins. Each file's sha256 is taken as written.

Bytes are deterministic: the same rows arrive in the same chunks (the chunk size is a recipe
setting), are cast to the canonical schema and written by pyarrow with fixed settings (no
timestamps in Parquet metadata).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data import schema as schemas
from bagel_data.mix.config import MixConfig

SHARD_NAME = "part-{:05d}.parquet"
JSONL_NAME = "part-{:05d}.jsonl"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_bytes(frame: pl.DataFrame) -> np.ndarray:
    """UTF-8 bytes of every string value per row (list-of-struct messages included)."""
    parts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            parts.append(pl.col(name).str.len_bytes().fill_null(0))
        elif isinstance(dtype, pl.List):
            contents = pl.col(name).list.eval(pl.element().struct.field("content").str.len_bytes().fill_null(0)).list.sum()
            parts.append(contents.fill_null(0))
    if not parts:
        return np.zeros(frame.height, dtype=np.int64)
    return frame.select(pl.sum_horizontal(parts).cast(pl.Int64).alias("b"))["b"].to_numpy()


@dataclass
class ShardInfo:
    path: str  # relative to the output folder
    rows: int
    bytes: int
    sha256: str
    text_bytes: int
    jsonl: dict | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None}


class ShardWriter:
    def __init__(self, folder: Path, target: pa.Schema, config: MixConfig):
        self.folder, self.target, self.config = Path(folder), target, config
        self.shards: list[ShardInfo] = []
        self._buffer: list[pl.DataFrame] = []
        self._rows = 0
        self._bytes = 0

    def add(self, frame: pl.DataFrame) -> None:
        """Append rows (in final order); write every shard that fills up."""
        sizes = text_bytes(frame)
        start = 0
        while start < frame.height:
            cut = self._fitting(sizes[start:])
            self._buffer.append(frame.slice(start, cut))
            self._rows += cut
            self._bytes += int(sizes[start : start + cut].sum())
            start += cut
            if self._full():
                self._flush()

    def close(self) -> list[ShardInfo]:
        """Write the last partial shard (or one empty shard when nothing was written)."""
        if self._buffer or not self.shards:
            self._flush()
        return self.shards

    def _fitting(self, sizes: np.ndarray) -> int:
        """How many of the next rows (of these text sizes) still go into the open shard (>= 1)."""
        if self.config.rows_per_shard:
            return max(1, min(len(sizes), self.config.rows_per_shard - self._rows))
        over = np.flatnonzero(np.cumsum(sizes) >= self.config.bytes_per_shard - self._bytes)
        return len(sizes) if over.size == 0 else int(over[0]) + 1

    def _full(self) -> bool:
        if self.config.rows_per_shard:
            return self._rows >= self.config.rows_per_shard
        return self._bytes >= self.config.bytes_per_shard

    def _flush(self) -> None:
        frame = pl.concat(self._buffer) if self._buffer else pl.DataFrame(schema=pl.from_arrow(self.target.empty_table()).schema)
        index = len(self.shards)
        # zero-copy export (string views), then one cast to the canonical types
        table = schemas.conform(frame.to_arrow(compat_level=pl.CompatLevel.newest()), self.target, f"shard {index}")
        path = self.folder / SHARD_NAME.format(index)
        pq.write_table(
            table,
            path,
            compression=self.config.compression,
            compression_level=self.config.compression_level,
            row_group_size=self.config.row_group_rows,
        )
        info = ShardInfo(path.name, table.num_rows, path.stat().st_size, sha256_file(path), self._bytes)
        if self.config.jsonl:
            twin = self.folder / JSONL_NAME.format(index)
            frame.write_ndjson(twin)
            info.jsonl = {"path": twin.name, "bytes": twin.stat().st_size, "sha256": sha256_file(twin)}
        self.shards.append(info)
        self._buffer, self._rows, self._bytes = [], 0, 0
