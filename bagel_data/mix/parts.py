"""Planned parts: the output plan of one (source, kind) of a product, sorted by shuffle key and
kept in the data home's cache under a fingerprint of everything that shapes it; and the source
rows the shards are rendered from.

A part is `<source>.<kind>.<fingerprint>.plan.npy`, one uint64 row per output row in
(key, position) order: the shuffle key, the plan position, the base row (index into the
source's selected rows), the format, the assistant turn and a 128-bit identity of the row's
content, plus `.json` (row count, the output `source` labels), written atomically, the JSON
last: a part without its JSON does not exist. No text is kept: rendering every shard straight
from the source rows in key order costs less than writing the rendered texts to disk and
reading them back (a cold 1M-row mix wrote 1.8 GB of parts). A row's identity hashes its source
row's content with its format and turn; what else shapes the rendered text (`render_settings`:
renderer code, Polars version, formats, seed, default-system probability) enters every
fingerprint and shard digest. The fingerprint covers the source's normalized part file (path,
size, mtime), the selected row indices, the source's place in the priority order and the render
settings, so after one source changes only its plan is made again, and only the shards whose
rows changed are rendered (`merge`).

`PartReader` hands out a part's plan by key-range bucket (`spill.bucket_of`) and its source rows
(`base`: gathered from the normalized file on first use, in file order), which `render.
BucketRenderer` turns into the bucket's output rows. The source rows of every part are held
while a product is built: the selection bounds them (caps), not the upstream size.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.ids import splitmix64
from bagel_data.mix.config import MixConfig
from bagel_data.mix.plan import KINDS, base_plan, row_hashes
from bagel_data.mix.render import COLUMNS
from bagel_data.mix.select import part_path
from bagel_data.mix.spill import bucket_of
from bagel_data.storage import Layout, code_digest

FORMAT_VERSION = 5
# the code that shapes a part's rows (ids.py: the coins of formats and default system prompts)
RENDERER_MODULES = ("ids.py", "formats/templates.py", "formats/expand.py", "mix/render.py", "mix/plan.py", "mix/parts.py")
_POS_SHIFT = 40  # position = (source code * 3 + kind) << 40 | record index within the part
GATHER_BATCH_ROWS = 16_384  # rows decoded at a time when a part's source rows are gathered
PLAN_FIELDS = ("key", "pos", "base", "format", "turn", "hash0", "hash1")  # the columns of a .plan.npy


@dataclass(frozen=True)
class PartJob:
    """What one part is planned from."""

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


def _paths(folder: Path, source: str, kind: str, fingerprint: str) -> tuple[Path, Path]:
    """A part's plan and metadata files."""
    stem = f"{source}.{kind}.{fingerprint}"
    return folder / f"{stem}.plan.npy", folder / f"{stem}.json"


def gather_rows(layout: Layout, source: str, kind: str, rows: np.ndarray) -> pl.DataFrame:
    """The rows at these indices of one normalized part, in file order, plus `origin`, in one
    chunk. Most of a file: a Polars scan (fast; its string views keep the decoded file, most of
    which is wanted). A small share (a capped source): record batches, the selected rows of each
    copied out, so that memory holds one batch besides the result (with the scan, every capped
    source's whole decoded file stayed referenced: the 10M mix peaked at 5.0 GiB, now 3.1)."""
    path = part_path(layout, source, kind)
    columns = list(COLUMNS[kind])
    wanted = np.asarray(rows, dtype=np.int64)
    file = pq.ParquetFile(path)
    if 2 * len(wanted) >= file.metadata.num_rows:
        index = pl.Series("rows", wanted, dtype=pl.UInt32)
        lf = pl.scan_parquet(path).with_row_index("__row").filter(pl.col("__row").is_in(index.implode()))
        return lf.select(pl.lit(source).alias("origin"), *columns).collect(engine="streaming").rechunk()
    kept, start = [], 0
    for batch in file.iter_batches(batch_size=GATHER_BATCH_ROWS, columns=columns, use_threads=False):
        lo, hi = np.searchsorted(wanted, [start, start + batch.num_rows])
        if hi > lo:
            kept.append(batch.take(pa.array(wanted[lo:hi] - start)))
        start += batch.num_rows
    table = pa.Table.from_batches(kept, schema=pa.schema([file.schema_arrow.field(c) for c in columns]))
    return pl.from_arrow(table).select(pl.lit(source).alias("origin"), *columns).rechunk()


def plan_rows(job: PartJob, base: pl.DataFrame) -> np.ndarray:
    """The part's plan (PLAN_FIELDS columns) for its gathered source rows, in (key, position) order."""
    config = job.config
    identity = content_hashes(base.select(COLUMNS[job.kind]))  # per source row: what its rendered rows are made of
    hashes = row_hashes(base["id"], config.seed, job.product)
    plan = base_plan(job.kind, base, hashes, n_formats=len(config.formats), k=config.k(job.product), origin_code=job.code)
    first = (job.code * len(KINDS) + KINDS.index(job.kind)) << _POS_SHIFT
    plan = plan.with_columns(pl.int_range(first, first + plan.height, dtype=pl.UInt64).alias("pos")).sort("key", "pos")
    columns = [plan[name].to_numpy() for name in ("key", "pos", "base", "format", "turn")]
    return np.column_stack([*columns, row_identities(identity, plan)]).astype(np.uint64)


def plan_part(job: PartJob, folder: Path) -> tuple[dict, pl.DataFrame | None]:
    """Plan one part into `folder` (unless it is there already): its metadata, and its source
    rows when they were gathered for it."""
    fingerprint = job.fingerprint
    plan_path, meta_path = _paths(folder, job.source, job.kind, fingerprint)
    if meta_path.is_file():
        return {**json.loads(meta_path.read_text()), "cached": True}, None
    base = gather_rows(Layout(Path(job.home)), job.source, job.kind, job.rows)
    plan = plan_rows(job, base)
    meta = {
        "fingerprint": fingerprint,
        "source": job.source,
        "kind": job.kind,
        "rows": int(len(plan)),
        "labels": sorted(base["source"].unique().to_list()) if base.height else [],
    }
    tmp = [p.with_name(f".{p.name}.{os.getpid()}.{threading.get_ident()}.tmp") for p in (plan_path, meta_path)]
    try:
        with open(tmp[0], "wb") as fh:
            np.save(fh, plan)
        tmp[1].write_text(json.dumps(meta))
        for t, final in zip(tmp, (plan_path, meta_path)):
            os.replace(t, final)
    finally:
        for t in tmp:
            t.unlink(missing_ok=True)
    return {**meta, "cached": False}, base


def content_hashes(rows: pl.DataFrame) -> np.ndarray:
    """Two 64-bit hashes (seeds 0 and 1) of each row's columns: (rows, 2) uint64."""
    if rows.height == 0:
        return np.zeros((0, 2), dtype=np.uint64)
    return np.column_stack([rows.hash_rows(seed=0).to_numpy(), rows.hash_rows(seed=1).to_numpy()]).astype(np.uint64)


def row_identities(source_rows: np.ndarray, plan: pl.DataFrame) -> np.ndarray:
    """A 128-bit identity per plan record (output row): its source row's content hashes mixed with
    its format and turn. With the render settings (in every digest) that is all a rendered row is
    made of, and hashing the source rows once is cheaper than hashing every rendered text."""
    if plan.height == 0:
        return np.zeros((0, 2), dtype=np.uint64)
    base = plan["base"].to_numpy()
    tag = splitmix64((plan["format"].to_numpy().astype(np.uint64) << np.uint64(32)) | plan["turn"].to_numpy().astype(np.uint64))
    with np.errstate(over="ignore"):
        return np.column_stack([splitmix64(source_rows[base, 0] ^ tag), splitmix64(source_rows[base, 1] + tag)])


def plan_parts(jobs: Sequence[PartJob], folder: Path, workers: int) -> list[PartReader]:
    """A reader of every part (planned now or found in `folder`), in job order; missing ones (and
    kept ones that cannot be read back) are planned in `workers` threads (Polars and NumPy work
    outside the GIL), biggest first."""
    folder.mkdir(parents=True, exist_ok=True)

    def one(job: PartJob) -> PartReader:
        meta, base = plan_part(job, folder)
        try:
            return PartReader(folder, meta, job, base)
        except (OSError, ValueError):
            if not meta.get("cached"):
                raise
            _paths(folder, job.source, job.kind, meta["fingerprint"])[1].unlink(missing_ok=True)  # a damaged kept plan: plan again
            meta, base = plan_part(job, folder)
            return PartReader(folder, meta, job, base)

    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].records)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="mix-plan") as pool:
        readers = dict(zip(order, pool.map(one, [jobs[i] for i in order])))
    return [readers[i] for i in range(len(jobs))]


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
    """One part's plan by key-range bucket (`spill.bucket_of`), and its source rows."""

    def __init__(self, folder: Path, meta: dict, job: PartJob, base: pl.DataFrame | None = None):
        self.meta, self.job = meta, job
        path = _paths(folder, meta["source"], meta["kind"], meta["fingerprint"])[0]
        self.plan = np.load(path, mmap_mode="r")
        if self.plan.dtype != np.uint64 or self.plan.shape != (meta["rows"], len(PLAN_FIELDS)):
            raise ValueError(f"{path}: a plan of shape {self.plan.shape} ({self.plan.dtype}), not ({meta['rows']}, {len(PLAN_FIELDS)}) uint64")
        self.keys = self.plan[:, 0]
        self.hashes = self.plan[:, 5:7]
        self._base = base
        self._lock = threading.Lock()
        self._bounds: tuple[int, np.ndarray] | None = None  # (bucket count, first row of every bucket)

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

    def bucket_plan(self, b: int, count: int) -> np.ndarray:
        """The plan rows (PLAN_FIELDS) of bucket b of `count`, in (key, position) order."""
        lo, hi = self._range(b, count)
        return np.asarray(self.plan[lo:hi])

    def base(self) -> pl.DataFrame:
        """The part's source rows (gathered from the normalized file on first use)."""
        with self._lock:
            if self._base is None:
                job = self.job
                self._base = gather_rows(Layout(Path(job.home)), job.source, job.kind, job.rows)
            return self._base

    def close(self) -> None:
        self._base = None
