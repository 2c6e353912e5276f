"""Stable row ids and per-row coins: every pseudo-random choice derives from (seed, salt, row id).

Hashes use blake2b (stable across Python, Polars and platform versions, unlike Polars' `hash`).
The functions take and return whole columns so converters stay vectorized at the call site.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import polars as pl

_SEP = "\x1f"
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


def coins(ids: pl.Series | Sequence[str], seed: int, salt: str) -> np.ndarray:
    """A uniform float in [0, 1) per id, fixed by (seed, salt, id)."""
    prefix = f"{seed}{_SEP}{salt}{_SEP}"
    if isinstance(ids, pl.Series):
        raw = b"".join(_digest(prefix + (v or "")) for start in range(0, len(ids), CHUNK) for v in ids.slice(start, CHUNK).to_list())
    else:
        raw = b"".join(_digest(prefix + (v or "")) for v in ids)
    ints = np.frombuffer(raw, dtype=">u8") if raw else np.zeros(0, dtype=np.uint64)
    return (ints >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def coin_choice(ids: pl.Series | Sequence[str], seed: int, salt: str, options: Sequence[str]) -> pl.Series:
    """Pick one of `options` per id, uniformly, by coin."""
    idx = np.minimum((coins(ids, seed, salt) * len(options)).astype(np.int64), len(options) - 1)
    return pl.Series(np.asarray(options, dtype=object)[idx].tolist(), dtype=pl.String)
