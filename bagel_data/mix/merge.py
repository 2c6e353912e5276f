"""Render the planned parts into shards bucket by bucket, reusing the shards of the live output
that did not change.

With `shards.rows_per_shard`, shard i is key-range bucket i of S = ceil(rows / rows_per_shard)
(`spill.bucket_of`): about rows_per_shard rows each, in the global (key, position) order. Its
*digest* hashes what its rows are: for every part, the keys and 128-bit content hashes of the
part's rows in that range (`PartReader.bucket_digest_input`, no row is read), plus the settings
that shape the file. When the live output has shard i with the same digest (its manifest entry)
and its statistics are in the cache (`cache/mix/<product>/shards/<digest>.json|.npz`, written
when it was built), the file is hard-linked into the new version instead of being rendered and
written again; the content checks still read its id, source and format columns. So after one
source changes, only the shards holding its changed rows are rendered and written, in
`mix.workers` writer threads (`render.BucketRenderer`: the bucket's rows of every part at once).

With `shards.bytes_per_shard` the shards are cut from the stream of rendered buckets
(`render_chunk_rows` rows each, `ShardWriter.add`); nothing is reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import deque
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data import schema as schemas
from bagel_data.mix.checks import ContentChecks
from bagel_data.mix.config import MixConfig
from bagel_data.mix.manifest import MANIFEST_NAME, OutputStats
from bagel_data.mix.parts import FORMAT_VERSION, PartReader, render_settings
from bagel_data.mix.render import BucketRenderer
from bagel_data.mix.shards import ShardInfo, ShardWriter
from bagel_data.mix.spill import bucket_count
from bagel_data.storage import code_digest, write_json

STATS_DIR = "shards"
SHARD_MODULES = ("mix/shards.py", "mix/merge.py", "mix/checks.py", "mix/manifest.py")  # writing and measuring a shard


def rendered(renderer: BucketRenderer, b: int, count: int, target: pa.Schema, fields: tuple[str, ...]) -> tuple[pa.Table, np.ndarray | None]:
    """Bucket b's output rows in (key, position) order, in the target schema, and their text
    lengths in characters (`fields`, one column each; None for an empty bucket)."""
    rows = renderer.render(b, count)
    if rows is None:
        return schemas.empty(target), None
    lengths = rows.select(pl.col(f).str.len_chars().fill_null(0).cast(pl.Int64) for f in fields).to_numpy()
    return schemas.conform(rows, target, f"bucket {b}"), lengths


def merge_streamed(renderer: BucketRenderer, records: int, writer: ShardWriter, stats: OutputStats, content: ContentChecks, config: MixConfig) -> None:
    """Every bucket of `render_chunk_rows`, in order, into the streaming writer (bytes_per_shard)."""
    buckets = bucket_count(records, config.render_chunk_rows)
    for b in range(buckets):
        rows, lengths = rendered(renderer, b, buckets, writer.target, stats.fields)
        if rows.num_rows:
            stats.add_measured(stats.measure(rows, lengths))
            content.add(rows)
            writer.add(rows)


def merge_by_key_range(
    renderer: BucketRenderer, records: int, writer: ShardWriter, stats: OutputStats, content: ContentChecks,
    config: MixConfig, product: str, live: Path, cache: Path,
) -> list[str]:
    """Shard i = key-range bucket i (rows_per_shard); unchanged shards of `live` are linked.
    Returns the digests of the shards (their statistics are kept in the cache)."""
    count = bucket_count(records, config.rows_per_shard)
    previous = _live_shards(live, count)
    stats_dir = cache / STATS_DIR
    stats_dir.mkdir(parents=True, exist_ok=True)
    # what else shapes the file's bytes and its kept measurements: a new pyarrow may write the same
    # rows differently, a new version of the writer or of the checks measures them differently
    # and the parts' row identities stand for rendered rows only together with the render settings
    settings = json.dumps([FORMAT_VERSION, pa.__version__, code_digest(SHARD_MODULES), render_settings(config, product), str(writer.target),
                           config.compression, config.compression_level, config.row_group_rows, config.jsonl, count])
    digests: list[str] = []
    inflight: deque[Future] = deque()  # per bucket, in order: (measurements, key columns, index, shard)

    def settle() -> None:
        """Take in the oldest bucket's shard: measurements and checks in bucket order."""
        measured, keys, b, shard = inflight.popleft().result()
        stats.add_measured(measured["stats"])
        content.add_measured(keys, measured["content"])
        writer.adopt(b, shard)

    def build(b: int, digest: str):
        """One shard, in a writer thread: render its bucket, measure, keep, write."""
        rows, lens = rendered(renderer, b, count, writer.target, stats.fields)
        measured = {"stats": stats.measure(rows, lens), "content": content.measure(rows)}
        _keep_measurements(stats_dir, digest, measured)
        return measured, rows.select(["id", "source", "format"]), b, writer.write_now(b, rows, digest)

    try:
        for b in range(count):
            digest = _digest(settings, renderer.parts, b, count)
            digests.append(digest)
            old = previous.get(b)
            kept = _kept_measurements(stats_dir, digest, stats.fields) if old is not None and old.get("digest") == digest else None
            if kept is not None and _link(live, writer.folder, old):
                done: Future = Future()
                # ParquetFile, not read_table: that one imports pyarrow.dataset and pandas (0.5 s a process)
                keys = pq.ParquetFile(writer.folder / old["path"]).read(columns=["id", "source", "format"])
                shard = ShardInfo(**{k: old[k] for k in ("path", "rows", "bytes", "sha256", "text_bytes")}, jsonl=old.get("jsonl"), digest=digest)
                done.set_result(({"stats": kept["stats"], "content": kept["content"]}, keys, b, shard))
                inflight.append(done)
            else:
                # rendering, measuring and writing run in the writer threads
                inflight.append(writer.run(build, b, digest))
            while len(inflight) > writer.threads:  # at most this many buckets held at once
                settle()
        while inflight:
            settle()
    finally:
        for future in inflight:
            future.cancel()
    return digests


def _digest(settings: str, readers: list[PartReader], b: int, count: int) -> str:
    digest = hashlib.blake2b(f"{settings}|{b}".encode(), digest_size=16)
    for reader in readers:
        data = reader.bucket_digest_input(b, count)
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def prune_measurements(cache: Path, keep: list[str]) -> None:
    """Drop the kept statistics of shards no longer in the output."""
    wanted = set(keep)
    for path in (cache / STATS_DIR).glob("*") if (cache / STATS_DIR).is_dir() else ():
        if path.name.split(".")[0] not in wanted:
            path.unlink(missing_ok=True)


def _live_shards(live: Path, count: int) -> dict[int, dict]:
    """The live output's shard entries by index, when it has the same number of key-range shards."""
    try:
        shards = json.loads((live / MANIFEST_NAME).read_text(encoding="utf-8"))["shards"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if len(shards) != count or not all(isinstance(s, dict) and s.get("digest") for s in shards):
        return {}
    return dict(enumerate(shards))


def _link(live: Path, staged: Path, entry: dict) -> bool:
    """Hard-link (or copy) a live shard and its JSONL twin into the staging folder."""
    names = [entry["path"]] + ([entry["jsonl"]["path"]] if entry.get("jsonl") else [])
    try:
        for name in names:
            source, target = live.resolve() / name, staged / name
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
    except OSError:
        for name in names:
            (staged / name).unlink(missing_ok=True)
        return False
    return True


def _keep_measurements(folder: Path, digest: str, measured: dict) -> None:
    lengths = measured["stats"]["lengths"]
    tmp = folder / f".{digest}.{os.getpid()}.npz"
    with open(tmp, "wb") as fh:
        np.savez(fh, **lengths)
    os.replace(tmp, folder / f"{digest}.npz")
    counts = measured["stats"]["counts"]
    write_json({"counts": counts.rows(), "content": measured["content"]}, folder / f"{digest}.json")


def _kept_measurements(folder: Path, digest: str, fields: tuple[str, ...]) -> dict | None:
    try:
        meta = json.loads((folder / f"{digest}.json").read_text())
        with np.load(folder / f"{digest}.npz") as data:
            lengths = {name: data[name] for name in fields}
    except (OSError, ValueError, KeyError):
        return None
    counts = pl.DataFrame(meta["counts"], schema={"source": pl.String, "format": pl.String, "len": pl.Int64}, orient="row")
    return {"stats": {"counts": counts, "lengths": lengths}, "content": meta["content"]}

