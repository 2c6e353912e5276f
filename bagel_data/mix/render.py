"""Render plan records into output rows with the prompt formats of `bagel_data.formats`:
`render_chunk` for records of one kind with their source rows gathered, `BucketRenderer` for a
key-range bucket of every part at once (the unit a shard is written from).

An output row is a source row in one format, at one assistant turn, history included. Output ids: the base row id, and
for the 2nd, 3rd, ... assistant turn of a multi-turn conversation `<id>#<turn>` (turn counted
from 0), so (id, format) is unique per training row and `base_id` recovers the row id.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl

from bagel_data.formats.expand import expand_instructions, expand_preferences, expand_texts
from bagel_data.mix.config import MixConfig
from bagel_data.mix.plan import TEXT_FORMAT
from bagel_data.mix.spill import KEY, POS

TURN_SEPARATOR = "#"
COLUMNS = {
    "instructions": ("id", "source", "system", "conversation"),
    "texts": ("id", "source", "text"),
    "preferences": ("id", "source", "system", "prompt", "chosen", "rejected"),
}
OUTPUT_COLUMNS = {
    "sft": ("id", "source", "format", "prompt", "completion", "messages"),
    "dpo": ("id", "source", "format", "prompt", "chosen", "rejected"),
}


def base_id(column: pl.Expr) -> pl.Expr:
    """The normalized row id of an output id (drops a `#turn` suffix)."""
    return column.str.split(TURN_SEPARATOR).list.first()


def render_chunk(rows: pl.DataFrame, chunk: pl.DataFrame, kind: str, config: MixConfig, product: str) -> pl.DataFrame:
    """Output rows for plan records (format, turn, key, pos) of one kind, with KEY and POS; `rows`
    holds each record's source row (row i for record i)."""
    names = pl.Series(list(config.formats) + [TEXT_FORMAT])
    plan = chunk.select(names.gather(chunk["format"]).alias("__format"), pl.col("turn").alias("__turn"), pl.col("key").alias(KEY), pl.col("pos").alias(POS))
    rows = rows.with_columns(plan)
    common = dict(seed=config.seed, default_system_probability=config.default_system_probability)
    if kind == "instructions":
        out = expand_instructions(rows, config.formats, format_column="__format", turn_column="__turn", carry=[KEY, POS, "__turn"], **common)
        turn_id = pl.concat_str("id", pl.lit(TURN_SEPARATOR), pl.col("__turn").cast(pl.String))
        out = out.with_columns(pl.when(pl.col("__turn") > 0).then(turn_id).otherwise("id").alias("id"))
    elif kind == "texts":
        out = expand_texts(rows, carry=[KEY, POS])
    else:
        out = expand_preferences(rows, config.formats, format_column="__format", carry=[KEY, POS], own_system=config.dpo_system, **common)
    return out.select(*OUTPUT_COLUMNS[product], KEY, POS)


class BucketRenderer:
    """The output rows of key-range buckets, rendered straight from the parts' source rows.

    `parts` are `parts.PartReader`s (their plans by bucket, their source rows). For a bucket, each
    part's records gather their source rows from that part (string views: no text is copied),
    and the records of every part of a kind render in one pass; the rows come out in (key,
    position) order, the order the shards keep. Safe to call from several threads at once."""

    def __init__(self, parts: list, config: MixConfig, product: str, workers: int = 1):
        self.parts, self.config, self.product, self.workers = parts, config, product, max(1, workers)
        self._kinds: dict[str, list] | None = None
        self._lock = threading.Lock()

    def _by_kind(self) -> dict[str, list]:
        """The parts by kind, their source rows read (in `workers` threads) on first use."""
        with self._lock:
            if self._kinds is None:
                with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="mix-gather") as pool:
                    list(pool.map(lambda part: part.base(), self.parts))
                self._kinds = {}
                for part in self.parts:
                    self._kinds.setdefault(part.meta["kind"], []).append(part)
            return self._kinds

    def render(self, b: int, count: int) -> pl.DataFrame | None:
        """Bucket b of `count`: its output rows (the product's columns, KEY and POS) in (key,
        position) order, or None when no part has rows in it."""
        frames, expected = [], []
        for kind, parts in self._by_kind().items():
            plans = [(part, part.bucket_plan(b, count)) for part in parts]
            plans = [(part, plan) for part, plan in plans if len(plan)]
            if not plans:
                continue
            rows = pl.concat([part.base()[plan[:, 2].astype(np.int64)] for part, plan in plans])
            plan = np.concatenate([plan for _, plan in plans])
            chunk = pl.DataFrame({
                "format": pl.Series(plan[:, 3], dtype=pl.UInt8),
                "turn": pl.Series(plan[:, 4], dtype=pl.UInt32),
                "key": pl.Series(plan[:, 0], dtype=pl.UInt64),
                "pos": pl.Series(plan[:, 1], dtype=pl.UInt64),
            })
            frames.append(render_chunk(rows, chunk, kind, self.config, self.product))
            expected.append(plan[:, :2])
        if not frames:
            return None
        rows = (pl.concat(frames) if len(frames) > 1 else frames[0]).sort(KEY, POS)
        plan = np.concatenate(expected)
        if not np.array_equal(rows[POS].to_numpy(), plan[np.lexsort((plan[:, 1], plan[:, 0])), 1]):
            raise RuntimeError(f"{self.product} bucket {b}: rendering did not give one row per plan record")
        return rows
