"""Seeded sampling of one source's candidate rows: cap and weight give a target size, strata
share it (`allocate`), and within a stratum the rows with the lowest coins are kept.

Keeping the lowest coins makes samples nested: raising a cap only adds rows. Coins come from
`ids.coins(row id, seed, "sample:<source>")`, so a rebuild picks the same rows.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from bagel_data import ids


def target_size(rows: int, cap: int | None, weight: float) -> int:
    """Rows to keep: the cap (or all rows) scaled by the source weight, never more than exist.
    A weight above 1 can only lift a cap; rows are never repeated (unique (id, format))."""
    if weight < 0:
        raise ValueError(f"source weight must be >= 0, got {weight}")
    base = rows if cap is None else min(rows, int(cap))
    return min(rows, int(base * weight + 0.5))


def allocate(sizes: np.ndarray, target: int, mode: str, tie_coins: np.ndarray) -> np.ndarray:
    """Per-stratum quotas summing to `target` (<= sizes.sum()).

    balanced: water-filling; every stratum gets min(size, level), so small strata are kept
    whole and large ones are cut to equal size. proportional: size * target / total, rounded
    by largest remainder. Leftover single rows go to the strata with the lowest tie coins."""
    sizes = np.asarray(sizes, dtype=np.int64)
    target = min(int(target), int(sizes.sum()))
    if mode == "balanced":
        lo, hi = 0, int(sizes.max(initial=0))
        while lo < hi:  # largest level whose total does not exceed the target
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if np.minimum(sizes, mid).sum() <= target else (lo, mid - 1)
        quotas = np.minimum(sizes, lo)
        remainder = np.zeros(len(sizes))
    elif mode == "proportional":
        exact = sizes * target / max(int(sizes.sum()), 1)
        quotas = np.floor(exact).astype(np.int64)
        remainder = exact - quotas
    else:
        raise ValueError(f"unknown stratify mode {mode!r}")
    left = target - int(quotas.sum())
    if left:  # eligible strata first, then largest remainder, then lowest coin
        order = np.lexsort((tie_coins, -remainder, quotas >= sizes))
        quotas[order[:left]] += 1
    return quotas


def sample(candidates: pl.DataFrame, target: int, *, seed: int, salt: str, stratify: bool, mode: str) -> pl.DataFrame:
    """Keep `target` rows of `candidates` (columns id, category, ...), in their original order."""
    if target >= candidates.height:
        return candidates
    frame = candidates.with_row_index("__pos").with_columns(pl.Series("__coin", ids.coins(candidates["id"], seed, salt)))
    if stratify:
        strata = frame.group_by(pl.col("category").fill_null("").alias("__stratum")).len().sort("__stratum")
        names = strata["__stratum"]
        quotas = allocate(strata["len"].to_numpy(), target, mode, ids.coins(names, seed, f"{salt}:strata"))
        quota = pl.DataFrame({"__stratum": names, "__quota": quotas})
        frame = frame.with_columns(pl.col("category").fill_null("").alias("__stratum")).join(quota, on="__stratum", how="left")
        rank = pl.col("__coin").rank("ordinal").over("__stratum")
        kept = frame.filter(rank <= pl.col("__quota"))
    else:
        kept = frame.sort("__coin", "__pos").head(target)
    return kept.sort("__pos").select(candidates.columns)
