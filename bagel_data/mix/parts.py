"""Rendered parts: the output rows of one (source, kind) of a product, rendered once, sorted by
shuffle key and kept in the data home's cache under a fingerprint of everything that shapes them.

A part is an Arrow IPC file (`<source>.<kind>.<fingerprint>.arrow`, uncompressed unless
`mix.part_compression` says lz4 or zstd) with its rows in (key, position) order, already in the
output schema (plus the key and position columns) and in small record batches
(`PART_BATCH_ROWS`), plus `.keys.npy` (per row: the sorted key, a 128-bit identity of the row's
content, which lets the shard writer tell an unchanged shard without reading it, and the
character lengths of the texts the manifest measures) and `.json` (row and batch counts, the
output `source` labels), written atomically, the JSON last: a part without its JSON does not
exist. A row's identity hashes its source row's content with its format and turn; what else
shapes the rendered text (`render_settings`: renderer code, Polars version, formats, seed,
default-system probability) enters every fingerprint and shard digest. The fingerprint covers
the source's normalized part file (path, size, mtime), the selected row indices, the source's
place in the priority order and the render settings, so after one source changes only the parts
whose rows changed are rendered again; the shard writer merges every part bucket by bucket
(`PartReader.bucket`), reading each part front to back once (plain reads, so a reader holds one
batch, not a mapped file; a compressed batch is decompressed once, whatever the bucket count).

Parts are rendered in parallel processes (`mix.workers`, spawned once per process and kept for
later builds) when enough rows are missing; each worker holds one source's selected rows and one
chunk of output rows at a time.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from bagel_data import schema as schemas
from bagel_data.ids import splitmix64
from bagel_data.mix.config import MixConfig
from bagel_data.mix.manifest import LENGTH_FIELDS
from bagel_data.mix.plan import KINDS, base_plan, row_hashes
from bagel_data.mix.render import COLUMNS, render_chunk
from bagel_data.mix.select import part_path
from bagel_data.mix.spill import KEY, POS, bucket_of
from bagel_data.storage import Layout, code_digest

FORMAT_VERSION = 4
PART_BATCH_ROWS = 4096  # rows per record batch of a part: what a reader holds of each part at a time
PARALLEL_MIN_RECORDS = 200_000  # below this many missing output rows, render in this process
# the code that shapes a part's rows (ids.py: the coins of formats and default system prompts)
RENDERER_MODULES = ("ids.py", "formats/templates.py", "formats/expand.py", "mix/render.py", "mix/plan.py", "mix/parts.py")
_POS_SHIFT = 40  # position = (source code * 3 + kind) << 40 | record index within the part


@dataclass(frozen=True)
class PartJob:
    """What one part is rendered from (picklable: it crosses to worker processes)."""

    home: str
    product: str
    source: str
    kind: str
    code: int  # the source's index in the priority order (enters shuffle keys and positions)
    rows: np.ndarray  # selected row indices in the normalized part file, ascending
    records: int  # output rows it will hold
    config: MixConfig

    @property
    def fingerprint(self) -> str:
        stat = part_path(Layout(Path(self.home)), self.source, self.kind).stat()
        settings = {
            **render_settings(self.config, self.product),
            "source": self.source,
            "kind": self.kind,
            "origin": self.code,
            "input": [stat.st_size, stat.st_mtime_ns, stat.st_ino],
        }
        digest = hashlib.blake2b(json.dumps(settings, sort_keys=True).encode(), digest_size=12)
        digest.update(np.ascontiguousarray(self.rows, dtype="<u8").tobytes())
        return digest.hexdigest()


def render_settings(config: MixConfig, product: str) -> dict:
    """What shapes a product's rendered rows besides their source rows: the renderer's code, the
    Polars that runs it, and the render settings."""
    return {
        "version": FORMAT_VERSION,
        "code": code_digest(RENDERER_MODULES),
        "polars": pl.__version__,
        "product": product,
        "formats": list(config.formats),
        "k": config.k(product),
        "seed": config.seed,
        "default_system_probability": config.default_system_probability,
        "dpo_system": config.dpo_system,
    }


def part_dir(layout: Layout, product: str) -> Path:
    return layout.cache_dir / "mix" / product


def part_schema(product: str) -> pa.Schema:
    """A part's columns: the product's output schema plus the shuffle key and plan position."""
    target = schemas.SFT_OUTPUT if product == "sft" else schemas.DPO_OUTPUT
    return target.append(pa.field(KEY, pa.uint64(), nullable=False)).append(pa.field(POS, pa.uint64(), nullable=False))


def _paths(folder: Path, job: PartJob, fingerprint: str) -> tuple[Path, Path, Path]:
    stem = f"{job.source}.{job.kind}.{fingerprint}"
    return folder / f"{stem}.arrow", folder / f"{stem}.keys.npy", folder / f"{stem}.json"


def gather_rows(layout: Layout, source: str, kind: str, rows: np.ndarray) -> pl.DataFrame:
    """The rows at these indices of one normalized part, in file order, plus `origin`."""
    index = pl.Series("rows", rows, dtype=pl.UInt32)
    lf = pl.scan_parquet(part_path(layout, source, kind)).with_row_index("__row")
    return lf.filter(pl.col("__row").is_in(index.implode())).select(pl.lit(source).alias("origin"), *COLUMNS[kind]).collect(engine="streaming")


def render_part(job: PartJob, folder: Path) -> dict:
    """Render one part into `folder` (unless it is there already); its metadata."""
    fingerprint = job.fingerprint
    data, keys_path, meta_path = _paths(folder, job, fingerprint)
    if meta_path.is_file():
        return {**json.loads(meta_path.read_text()), "cached": True}
    layout, config = Layout(Path(job.home)), job.config
    base = gather_rows(layout, job.source, job.kind, job.rows)
    identity = content_hashes(base.select(COLUMNS[job.kind]))  # per source row: what its rendered rows are made of
    hashes = row_hashes(base["id"], config.seed, job.product)
    plan = base_plan(job.kind, base, hashes, n_formats=len(config.formats), k=config.k(job.product), origin_code=job.code)
    first = ((job.code * len(KINDS) + KINDS.index(job.kind)) << _POS_SHIFT)
    plan = plan.with_columns(pl.int_range(first, first + plan.height, dtype=pl.UInt64).alias("pos")).sort("key", "pos")
    tmp = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p in (data, keys_path, meta_path)]
    target = part_schema(job.product)
    batches, writer, content, lengths = [], None, [], []
    fields = LENGTH_FIELDS[job.product]
    options = ipc.IpcWriteOptions(compression=None if config.part_compression == "none" else config.part_compression)
    try:
        with pa.OSFile(str(tmp[0]), "wb") as sink:
            writer = ipc.new_file(sink, target, options=options)
            for start in range(0, plan.height, config.render_chunk_rows):
                chunk = plan.slice(start, config.render_chunk_rows)
                rows = render_chunk(chunk, job.kind, base, config, job.product).sort(KEY, POS)
                if not np.array_equal(rows[POS].to_numpy(), chunk["pos"].to_numpy()):
                    raise RuntimeError(f"{job.source} {job.kind}: rendering did not give one row per plan record")
                content.append(row_identities(identity, chunk))
                lengths.append(rows.select(pl.col(f).str.len_chars().fill_null(0).cast(pl.UInt64) for f in fields).to_numpy().reshape(-1, len(fields)))
                table = schemas.conform(rows, target, f"{job.source} {job.kind} part")
                for batch in table.combine_chunks().to_batches(max_chunksize=PART_BATCH_ROWS):
                    writer.write_batch(batch)
                    batches.append(batch.num_rows)
            writer.close()
        content_all = np.concatenate(content) if content else np.zeros((0, 2), np.uint64)
        lengths_all = np.concatenate(lengths) if lengths else np.zeros((0, len(fields)), np.uint64)
        keys = np.column_stack([plan["key"].to_numpy(), content_all, lengths_all]).astype(np.uint64)
        with open(tmp[1], "wb") as fh:
            np.save(fh, keys)
        meta = {
            "fingerprint": fingerprint,
            "source": job.source,
            "kind": job.kind,
            "rows": int(plan.height),
            "batches": batches,
            "labels": sorted(base["source"].unique().to_list()) if base.height else [],
        }
        tmp[2].write_text(json.dumps(meta))
        for t, final in zip(tmp, (data, keys_path, meta_path)):
            os.replace(t, final)
    finally:
        for t in tmp:
            t.unlink(missing_ok=True)
    return {**meta, "cached": False}


def content_hashes(rows: pl.DataFrame) -> np.ndarray:
    """Two 64-bit hashes (seeds 0 and 1) of each row's columns: (rows, 2) uint64."""
    if rows.height == 0:
        return np.zeros((0, 2), dtype=np.uint64)
    return np.column_stack([rows.hash_rows(seed=0).to_numpy(), rows.hash_rows(seed=1).to_numpy()]).astype(np.uint64)


def row_identities(source_rows: np.ndarray, chunk: pl.DataFrame) -> np.ndarray:
    """A 128-bit identity per plan record (output row): its source row's content hashes mixed with
    its format and turn. With the render settings (in every digest) that is all a rendered row is
    made of, and hashing the source rows once is cheaper than hashing every rendered text."""
    if chunk.height == 0:
        return np.zeros((0, 2), dtype=np.uint64)
    base = chunk["base"].to_numpy()
    tag = splitmix64((chunk["format"].to_numpy().astype(np.uint64) << np.uint64(32)) | chunk["turn"].to_numpy().astype(np.uint64))
    with np.errstate(over="ignore"):
        return np.column_stack([splitmix64(source_rows[base, 0] ^ tag), splitmix64(source_rows[base, 1] + tag)])


def _render_in(args: tuple[PartJob, str]) -> dict:
    job, folder = args
    return render_part(job, Path(folder))


@contextmanager
def _one_polars_thread():
    """Worker processes started inside get one Polars thread each (unless the user set
    POLARS_MAX_THREADS): the processes are the parallelism, and Polars' own pool in each of them
    only oversubscribes the cores (measured: 15% slower rendering on 2 cores)."""
    if "POLARS_MAX_THREADS" in os.environ:
        yield
        return
    os.environ["POLARS_MAX_THREADS"] = "1"
    try:
        yield
    finally:
        os.environ.pop("POLARS_MAX_THREADS", None)


_POOL: tuple[int, int, ProcessPoolExecutor] | None = None  # (pid, workers, pool) of this process's render workers


def close_render_pool() -> None:
    """Stop the kept render processes (they are started again when needed)."""
    global _POOL
    if _POOL is not None and _POOL[0] == os.getpid():
        _POOL[2].shutdown(wait=True, cancel_futures=True)
    _POOL = None


def _render_pool(workers: int) -> ProcessPoolExecutor:
    """The render processes, spawned at the first parallel render and kept for the next (the
    other product, the next build): starting them costs ~0.4 s. A forked child starts its own."""
    global _POOL
    if _POOL is None or _POOL[:2] != (os.getpid(), workers):
        close_render_pool()
        _POOL = (os.getpid(), workers, ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")))
    return _POOL[2]


def _ready() -> int:
    return os.getpid()


def start_render_pool(workers: int) -> None:
    """Start the render processes now (they import while the caller does other work: the
    selection), when rendering in processes is likely: more than one worker."""
    if workers > 1:
        with _one_polars_thread():
            pool = _render_pool(workers)
            for _ in range(workers):  # a spawning pool starts a process per task while none is idle
                pool.submit(_ready)


atexit.register(close_render_pool)


def render_parts(jobs: Sequence[PartJob], folder: Path, workers: int) -> list[dict]:
    """Every part (rendered or found in `folder`), in job order; missing ones in `workers`
    processes when they hold at least PARALLEL_MIN_RECORDS rows together."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [j for j in jobs if not _paths(folder, j, j.fingerprint)[2].is_file()]
    results: dict[int, dict] = {}
    if workers > 1 and len(missing) > 1 and sum(j.records for j in missing) >= PARALLEL_MIN_RECORDS:
        order = sorted(missing, key=lambda j: -j.records)  # biggest first: the pool stays busy
        try:
            with _one_polars_thread():  # the processes are spawned at the first submit
                for job, meta in zip(order, _render_pool(workers).map(_render_in, [(j, str(folder)) for j in order])):
                    results[id(job)] = meta
        except BaseException:
            close_render_pool()  # a failed or killed worker leaves a broken pool: start afresh next time
            raise
    return [results.get(id(j)) or render_part(j, folder) for j in jobs]


def prune(folder: Path, keep: set[str]) -> list[Path]:
    """Remove parts (and stray temp files) whose fingerprint is not in `keep`."""
    removed = []
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.is_dir():  # the shards' kept statistics (merge.py)
            continue
        fingerprint = path.name.split(".")[2] if path.name.count(".") >= 3 and not path.name.startswith(".") else None
        if fingerprint not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class PartReader:
    """Rows of one part by key-range bucket (`spill.bucket_of`), asked for in increasing bucket
    order: the part is read front to back once, holding at most one record batch. A bucket
    can also be skipped (`skip`), or only described (`bucket_digest_input`: its keys and row
    hashes, without reading rows)."""

    def __init__(self, folder: Path, meta: dict):
        stem = folder / f"{meta['source']}.{meta['kind']}.{meta['fingerprint']}"
        self.meta = meta
        index = np.load(f"{stem}.keys.npy", mmap_mode="r")
        self.keys = index[:, 0]
        self.hashes = index[:, 1:3]
        self.lengths = index[:, 3:]  # LENGTH_FIELDS of the product, in characters
        self.offsets = np.concatenate([[0], np.cumsum(meta["batches"], dtype=np.int64)])
        self._file = pa.OSFile(f"{stem}.arrow")
        self._reader = ipc.open_file(self._file) if meta["rows"] else None
        self._bounds: tuple[int, np.ndarray] | None = None  # (bucket count, first row of every bucket)
        self._next = 0  # first row not handed out yet
        self._batch: tuple[int, pa.RecordBatch] | None = None  # the batch read last

    def _range(self, b: int, count: int) -> tuple[int, int]:
        if self._bounds is None or self._bounds[0] != count:
            buckets = bucket_of(np.asarray(self.keys), count)  # ascending: the keys are sorted
            self._bounds = (count, np.searchsorted(buckets, np.arange(count + 1, dtype=buckets.dtype)))
        bounds = self._bounds[1]
        return int(bounds[b]), int(bounds[b + 1])

    def bucket_digest_input(self, b: int, count: int) -> bytes:
        """This part's keys and row hashes in bucket b (what the bucket's rows from it are)."""
        lo, hi = self._range(b, count)
        return np.ascontiguousarray(self.keys[lo:hi]).tobytes() + np.ascontiguousarray(self.hashes[lo:hi]).tobytes()

    def bucket_lengths(self, b: int, count: int) -> np.ndarray:
        """The text lengths of this part's rows in bucket b (rows in `bucket`'s order)."""
        lo, hi = self._range(b, count)
        return np.asarray(self.lengths[lo:hi], dtype=np.int64)

    def skip(self, b: int, count: int) -> None:
        """Hand out nothing of bucket b (its shard is reused); later buckets read on from there."""
        self._next = max(self._next, self._range(b, count)[1])

    def bucket(self, b: int, count: int) -> pa.Table | None:
        """This part's rows of bucket b of `count` (in key order), or None. Buckets must be asked
        for in increasing order, with the same count."""
        if self._reader is None:
            return None
        lo, hi = self._range(b, count)
        if lo < self._next:
            raise ValueError(f"part {self.meta['source']}.{self.meta['kind']}: bucket {b} asked for after a later one")
        pieces = []
        at = lo
        while at < hi:
            i = int(np.searchsorted(self.offsets, at, "right")) - 1
            if self._batch is None or self._batch[0] != i:
                self._batch = (i, self._reader.get_batch(i))
            end = min(hi, int(self.offsets[i + 1]))
            pieces.append(self._batch[1].slice(at - int(self.offsets[i]), end - at))
            at = end
        self._next = max(self._next, hi)
        return pa.Table.from_batches(pieces) if pieces else None

    def close(self) -> None:
        self._batch = None
        self._file.close()
