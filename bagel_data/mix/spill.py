"""Shuffle by key range: the planned parts (`parts`, each sorted by key) are rendered one
key-range bucket at a time, and each bucket's rows are sorted by (key, plan position).

Bucket b holds keys in [b * 2**64 / B, (b + 1) * 2**64 / B), so concatenating the sorted buckets
gives exactly the global (key, position) order whatever B is: the rendered text in memory is
bounded by a few buckets, never by the whole mix.
"""

from __future__ import annotations

import math

import numpy as np

KEY, POS = "__key", "__pos"


def bucket_count(total_rows: int, rows_per_bucket: int) -> int:
    return max(1, math.ceil(total_rows / rows_per_bucket))


def bucket_of(keys: np.ndarray, buckets: int) -> np.ndarray:
    """Key range index: floor(key * B / 2**64), computed on the top 32 bits (exact for B < 2**32
    up to range edges, and monotone in the key, which is what ordering needs)."""
    return ((keys >> np.uint64(32)) * np.uint64(buckets)) >> np.uint64(32)
