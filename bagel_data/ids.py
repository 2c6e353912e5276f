"""Stable row ids and per-row coins: every pseudo-random choice derives from (seed, salt, row id).

Hashes use blake2b (stable across Python, Polars and platform versions, unlike Polars' `hash`).
A coin of a row id (16 hex digits of blake2b already) needs no second blake2b: its 64 bits are
mixed with the (seed, salt) hash by splitmix64, in numpy, a whole column at once; any other
string is hashed with blake2b. The functions take and return whole columns so converters stay
vectorized at the call site.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import polars as pl

_SEP = "\x1f"
_ROW_ID = r"^[0-9a-f]{16}$"  # what text_id makes
CHUNK = 50_000  # texts turned into Python strings at a time (bounds memory on big sources)


def _digest(text: str, size: int = 8) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=size).digest()


def text_id(text: str) -> str:
    """Id of one text: 16 hex chars of blake2b over the exact string."""
    return _digest(text).hex()


def instruction_key(system: str | None, user_turns: Sequence[str]) -> str:
    """The text an instruction id hashes: system prompt (when given) and every user turn."""
    parts = [system.strip() if system else ""] + [u.strip() for u in user_turns]
    return _SEP.join(parts)


def instruction_ids(conversations: pl.Series, systems: pl.Series | None = None) -> pl.Series:
    """Ids for a column of conversations (list of {role, content}) and optional system prompts."""
    users = conversations.list.eval(
        pl.element().filter(pl.element().struct.field("role") == "user").struct.field("content").str.strip_chars()
    ).list.join(_SEP)
    sys_col = systems.fill_null("").str.strip_chars() if systems is not None else pl.Series([""] * len(users))
    return text_ids(sys_col + _SEP + users.fill_null(""))


def text_ids(texts: pl.Series | Iterable[str]) -> pl.Series:
    """Ids for a column of texts (plain text rows, or DPO system+prompt keys)."""
    if not isinstance(texts, pl.Series):
        return pl.Series("id", [_digest(v or "").hex() for v in texts], dtype=pl.String)
    out = [_digest(v or "").hex() for start in range(0, len(texts), CHUNK) for v in texts.slice(start, CHUNK).to_list()]
    return pl.Series("id", out, dtype=pl.String)


def preference_ids(prompts: pl.Series, systems: pl.Series | None = None) -> pl.Series:
    sys_col = systems.fill_null("").str.strip_chars() if systems is not None else pl.Series([""] * len(prompts))
    return text_ids(sys_col + _SEP + prompts.fill_null("").str.strip_chars())


def splitmix64(x: np.ndarray) -> np.ndarray:
    """A bijective 64-bit mixer (Steele et al.); wraps modulo 2**64."""
    with np.errstate(over="ignore"):
        z = np.asarray(x, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def coins(ids: pl.Series | Sequence[str], seed: int, salt: str) -> np.ndarray:
    """A uniform float in [0, 1) per id, fixed by (seed, salt, id)."""
    series = ids if isinstance(ids, pl.Series) else pl.Series(list(ids), dtype=pl.String)
    series = series.cast(pl.String).fill_null("")
    prefix = f"{seed}{_SEP}{salt}{_SEP}"
    mask = np.frombuffer(_digest(prefix), dtype=">u8")[0].astype(np.uint64)
    row_id = series.str.contains(_ROW_ID).to_numpy()
    ints = splitmix64(splitmix64(series.str.to_integer(base=16, dtype=pl.UInt64, strict=False).fill_null(0).to_numpy() ^ mask) + mask)
    others = np.flatnonzero(~row_id)
    if others.size:
        rest = series.gather(others)
        raw = b"".join(_digest(prefix + v) for start in range(0, len(rest), CHUNK) for v in rest.slice(start, CHUNK).to_list())
        ints[others] = np.frombuffer(raw, dtype=">u8")
    return (ints >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def coin_choice(ids: pl.Series | Sequence[str], seed: int, salt: str, options: Sequence[str]) -> pl.Series:
    """Pick one of `options` per id, uniformly, by coin."""
    idx = np.minimum((coins(ids, seed, salt) * len(options)).astype(np.int64), len(options) - 1)
    return pl.Series(np.asarray(options, dtype=object)[idx].tolist(), dtype=pl.String)
