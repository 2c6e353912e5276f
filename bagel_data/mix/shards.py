"""Shard writer: `part-NNNNN.parquet` files (optional `part-NNNNN.jsonl` twins), each file's
sha256 taken as written. Key-range shards (`rows_per_shard`, `merge.py`) are written whole in a
writer thread (`run` + `write_now`) or already linked, and recorded in order (`adopt`); with
`bytes_per_shard`, output rows (Arrow tables) arrive in final order, chunk by chunk, and are cut
(`add`) at a set size in uncompressed text bytes (the UTF-8 bytes of every string value of a
row, message contents included), the last shard holding the rest.

Bytes are deterministic: the same rows arrive in the same chunks (the chunk size is a recipe
setting), are cast to the canonical schema and written by pyarrow with fixed settings (no
timestamps in Parquet metadata). Full shards are written by `mix.workers` background threads
(pyarrow encodes and compresses outside the GIL) while the next rows are rendered; at most
`mix.workers + 1` shards are held in memory.
"""

from __future__ import annotations

import hashlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
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


def text_bytes(table: pa.Table) -> np.ndarray:
    """UTF-8 bytes of every string value per row (list-of-struct messages included)."""
    total = np.zeros(table.num_rows, dtype=np.int64)
    for field in table.schema:
        column = table.column(field.name)
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            total += pc.binary_length(column).fill_null(0).to_numpy()
        elif pa.types.is_list(field.type) and table.num_rows:
            values = pc.list_flatten(column)
            if values.type.get_field_index("content") < 0:
                continue
            lengths = pc.binary_length(pc.struct_field(values, "content")).fill_null(0).to_numpy()
            owners = pc.list_parent_indices(column).to_numpy()
            total += np.bincount(owners, weights=lengths, minlength=table.num_rows).astype(np.int64)
    return total


# columns with few distinct values or short keys: dictionary-encoded, with min/max statistics
# (what DuckDB prunes row groups by); the long texts get neither
STATISTICS_COLUMNS = ["id", "source", "format", "messages.list.element.role"]
DICTIONARY_COLUMNS = ["source", "format", "messages.list.element.role"]


@dataclass
class ShardInfo:
    path: str  # relative to the output folder
    rows: int
    bytes: int
    sha256: str
    text_bytes: int
    jsonl: dict | None = None
    digest: str | None = None  # key-range shards: what its rows are (keys and content hashes), see merge.py

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None}


class ShardWriter:
    def __init__(self, folder: Path, target: pa.Schema, config: MixConfig):
        self.folder, self.target, self.config = Path(folder), target, config
        self.shards: list[ShardInfo] = []
        self.written: set[str] = set()  # files this writer wrote (and hashed as written), linked ones aside
        self._buffer: list[pa.Table] = []
        self._bytes = 0
        self._count = 0
        self.threads = max(1, config.workers)
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="shard-writer")
        self._pending: deque[Future] = deque()

    def add(self, table: pa.Table) -> None:
        """Append rows (in final order); write every shard that fills up (bytes_per_shard)."""
        sizes = text_bytes(table)
        start = 0
        while start < table.num_rows:
            cut = self._fitting(sizes[start:])
            self._buffer.append(table.slice(start, cut))
            self._bytes += int(sizes[start : start + cut].sum())
            start += cut
            if self._full():
                self._flush()

    def close(self) -> list[ShardInfo]:
        """Write the last partial shard (or one empty shard when nothing was written); wait for
        every write (a failed write raises here)."""
        try:
            if self._buffer or not self._count:
                self._flush()
            while self._pending:
                self.shards.append(self._pending.popleft().result())
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
        return self.shards

    def run(self, fn, *args) -> Future:
        """Run fn(*args) in a writer thread (a whole shard's work: `write_now` inside)."""
        return self._pool.submit(fn, *args)

    def write_now(self, index: int, table: pa.Table, digest: str | None = None) -> ShardInfo:
        """Write `table` as shard `index` in the calling thread; record it with `adopt`, in order."""
        return self._write(table, index, int(text_bytes(table).sum()), digest)

    def adopt(self, index: int, info: ShardInfo) -> None:
        """Shard `index` is in the folder (written by `write_now`, or linked from the live output):
        record it, in order."""
        self._count = max(self._count, index + 1)
        done: Future = Future()
        done.set_result(info)
        self._pending.append(done)

    def abort(self) -> None:
        """Stop without writing what is buffered (the build failed); waits for running writes."""
        self._buffer = []
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _fitting(self, sizes: np.ndarray) -> int:
        """How many of the next rows (of these text sizes) still go into the open shard (>= 1)."""
        over = np.flatnonzero(np.cumsum(sizes) >= self.config.bytes_per_shard - self._bytes)
        return len(sizes) if over.size == 0 else int(over[0]) + 1

    def _full(self) -> bool:
        return self._bytes >= self.config.bytes_per_shard

    def _flush(self) -> None:
        table = pa.concat_tables(self._buffer) if self._buffer else schemas.empty(self.target)
        index, text = self._count, self._bytes
        self._count += 1
        self._buffer, self._bytes = [], 0
        self._submit(table, index, text)

    def _submit(self, table: pa.Table, index: int, text: int, digest: str | None = None) -> None:
        while sum(not f.done() for f in self._pending) >= self.threads:  # bound what is held: wait for the oldest write
            self.shards.append(self._pending.popleft().result())
        self._pending.append(self._pool.submit(self._write, table, index, text, digest))

    def _write(self, table: pa.Table, index: int, text: int, digest: str | None = None) -> ShardInfo:
        table = schemas.conform(table, self.target, f"shard {index}")
        path = self.folder / SHARD_NAME.format(index)
        pq.write_table(
            table,
            path,
            compression=self.config.compression,
            compression_level=self.config.compression_level,
            row_group_size=self.config.row_group_rows,
            use_dictionary=DICTIONARY_COLUMNS,  # ids and long texts never fit a dictionary: trying costs ~10% of the write
            write_statistics=STATISTICS_COLUMNS,
        )
        info = ShardInfo(path.name, table.num_rows, path.stat().st_size, sha256_file(path), text, digest=digest)
        self.written.add(path.name)
        if self.config.jsonl:
            twin = self.folder / JSONL_NAME.format(index)
            pl.from_arrow(table).write_ndjson(twin)
            info.jsonl = {"path": twin.name, "bytes": twin.stat().st_size, "sha256": sha256_file(twin)}
        return info
