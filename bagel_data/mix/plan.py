"""The output plan: one small record per training row (which base row, which format, which
assistant turn) in shuffled order, built before any text is rendered.

Every base row gets one 64-bit hash, `ids.coins(id, seed, "mix:<product>")`; the format
rotation and the shuffle key are derived from it with splitmix64, so no further per-row
hashing is needed. Formats (k of n): each row takes the k formats after a rotation start drawn
from its own hash, so every format covers k/n of each source's rows up to sampling error (as
the original's chunks of one shuffled list did), and a row's formats depend on no other row:
a changed upstream row changes only its own output rows. The shuffle key of a record mixes the row hash
with (format, turn, source); output order is (key, plan position), a global seeded shuffle that
is the same on every rebuild (carried out by `spill`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from bagel_data import ids

TEXT_FORMAT = "text"
KINDS = ("instructions", "texts", "preferences")
_FORMAT_SALT = np.uint64(0xA5A5_5A5A_C3C3_3C3C)
PLAN_SCHEMA = {"kind": pl.UInt8, "base": pl.UInt32, "format": pl.UInt8, "turn": pl.UInt32, "key": pl.UInt64}


def row_hashes(row_ids: pl.Series, seed: int, product: str) -> np.ndarray:
    return (ids.coins(row_ids, seed, f"mix:{product}") * float(1 << 53)).astype(np.uint64)


def format_starts(hashes: np.ndarray, n_formats: int) -> pl.Series:
    """Rotation start per row, from its own hash alone (uniform over the n formats)."""
    return pl.Series("start", (ids.splitmix64(hashes ^ _FORMAT_SALT) % np.uint64(n_formats)).astype(np.uint8))


def base_plan(kind: str, base: pl.DataFrame, hashes: np.ndarray, *, n_formats: int, k: int, origin_code: int) -> pl.DataFrame:
    """Plan records of one source's rows of one kind (instructions, texts or preferences), in
    base order; `origin_code` (the source's index) enters the shuffle key."""
    if base.height == 0:
        return pl.DataFrame(schema=PLAN_SCHEMA)
    frame = base.select(
        pl.lit(KINDS.index(kind), dtype=pl.UInt8).alias("kind"),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("base"),
        pl.lit(origin_code, dtype=pl.UInt64).alias("__origin"),
        pl.Series("__h", hashes, dtype=pl.UInt64),
    )
    if kind == "texts":  # one completion-only row, format index n
        frame = frame.with_columns(pl.lit(n_formats, dtype=pl.UInt8).alias("format"))
    else:  # k consecutive formats from the row's rotation start
        start = format_starts(hashes, n_formats)
        frame = (
            frame.with_columns(start.alias("__start"), pl.int_ranges(0, k, dtype=pl.UInt8).alias("format"))
            .explode("format")
            .with_columns(((pl.col("format") + pl.col("__start")) % n_formats).cast(pl.UInt8).alias("format"))
        )
    if kind == "instructions":  # one record per assistant turn
        turns = (base["conversation"].list.len() // 2).cast(pl.UInt32)
        frame = frame.with_columns(turns.gather(frame["base"]).alias("__n"))
        frame = frame.with_columns(pl.int_ranges(0, pl.col("__n"), dtype=pl.UInt32).alias("turn")).explode("turn")
    else:
        frame = frame.with_columns(pl.lit(0, dtype=pl.UInt32).alias("turn"))
    salt = (frame["format"].cast(pl.UInt64).to_numpy() << np.uint64(56)) | (frame["turn"].cast(pl.UInt64).to_numpy() << np.uint64(20)) | frame["__origin"].to_numpy()
    key = ids.splitmix64(frame["__h"].to_numpy() ^ ids.splitmix64(salt))
    return frame.select("kind", "base", "format", "turn").with_columns(pl.Series("key", key, dtype=pl.UInt64))

