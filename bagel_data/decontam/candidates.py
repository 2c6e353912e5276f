"""The candidate stage: which (training row, benchmark view) pairs some rule could accept once the
row is embedded, with the cheap signals the rules read (rare-word overlap, answer-key share, length
ratio).

A pair is a candidate when the view's rare-word containment in the row (`lexical`) reaches the
lowest `lexical` of the rules that hold for the view's benchmark (rules needing answer keys
aside), or its answer-key share (`answer`) reaches the lowest `answer` of the answer rules for that
benchmark, and the shorter/longer length ratio reaches the loosest rule's. A benchmark without a
rule of a kind gets no candidates of that kind.

Both containments come from one sparse product per index and chunk of rows (texts x shingles @
shingles x views): exact for every pair that shares a word, in C, with no per-pair joins. Joining
each row's rare words to the views that hold them costs as much and then still has to score every
joined pair, of which about 2% reach the floor.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import sparse

from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.shingles import ShingleIndex

CHUNK_ROWS = 4096  # rows per sparse product (memory: their pairs sharing any rare word)


def floors(config: DecontamConfig, names: list[str], view_bench: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per view: (lexical floor, answer floor), inf where no rule of that kind holds for its benchmark."""
    lexical, answer = np.full(len(names), np.inf), np.full(len(names), np.inf)
    for code, bench in enumerate(names):
        plain = [r.lexical for r in config.rules if r.answer <= 0 and r.applies(bench)]
        keyed = [r.answer for r in config.rules if r.answer > 0 and r.applies(bench)]
        lexical[code] = min(plain, default=np.inf)
        answer[code] = min(keyed, default=np.inf)
    return lexical[view_bench], answer[view_bench]


def only_views(weights: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """`weights` (shingles x views) with the columns of views not in `keep` (bool per view) zeroed."""
    return (weights @ sparse.diags(keep.astype(np.float64))).tocsr()


def _entries(matched: sparse.csr_matrix, needed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, view) of the entries whose matched weight reaches the view's `needed` weight."""
    rows = np.repeat(np.arange(matched.shape[0], dtype=np.int64), np.diff(matched.indptr))
    keep = matched.data >= needed[matched.indices] - 1e-9
    return rows[keep], matched.indices[keep].astype(np.int64)


def _needed(index: ShingleIndex, floor: np.ndarray) -> np.ndarray:
    """Per view, the matched weight a containment of `floor` takes (inf: never a candidate)."""
    with np.errstate(invalid="ignore"):
        return np.where(index.view_weight > 0, floor * index.view_weight, np.inf)


def _scores(matched: sparse.csr_matrix, index: ShingleIndex, rows: np.ndarray, views: np.ndarray) -> np.ndarray:
    """Containment of the given pairs (0 where they share nothing)."""
    if rows.size == 0:
        return np.zeros(0)
    weight = np.asarray(matched[rows, views]).ravel()
    return (weight / np.where(index.view_weight[views] > 0, index.view_weight[views], 1.0)).round(6)


def candidate_pairs(
    lexical: ShingleIndex, hits: pl.DataFrame, n_texts: int, lexical_floor: np.ndarray,
    keys: ShingleIndex | None, key_hits: pl.DataFrame | None, key_weights: sparse.csr_matrix | None, answer_floor: np.ndarray,
    row_chars: np.ndarray, view_chars: np.ndarray, shortest: float,
) -> pl.DataFrame:
    """(text, view, lexical, answer, ratio) of every candidate pair of a batch of `n_texts` rows.
    `key_weights`: the key index's `by_shingle` restricted to the views whose answer share any
    rule or veto reads (elsewhere `answer` is 0)."""
    schema = {"text": pl.Int64, "view": pl.Int64, "lexical": pl.Float64, "answer": pl.Float64, "ratio": pl.Float64}
    found = lexical.found(hits, n_texts)
    key_found = keys.found(key_hits, n_texts) if keys is not None and key_hits is not None else None
    lexical_needed = _needed(lexical, lexical_floor)
    answer_needed = _needed(keys, answer_floor) if key_found is not None else None
    n_views = lexical.view_weight.size
    out = []
    for start in range(0, n_texts, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n_texts)
        lex = lexical.matched(found[start:stop])
        rows, views = _entries(lex, lexical_needed)
        ans = None
        if key_found is not None:
            ans = keys.matched(key_found[start:stop], key_weights)
            key_rows, key_views = _entries(ans, answer_needed)
            rows, views = np.concatenate([rows, key_rows]), np.concatenate([views, key_views])
        code = np.unique(rows * n_views + views)
        rows, views = code // n_views, code % n_views
        a, b = row_chars[rows + start], view_chars[views]
        ratio = np.minimum(a, b) / np.maximum(np.maximum(a, b), 1)
        keep = ratio >= shortest - 1e-9
        rows, views, ratio = rows[keep], views[keep], ratio[keep]
        answer = _scores(ans, keys, rows, views) if ans is not None else np.zeros(rows.size)
        out.append(pl.DataFrame({"text": rows + start, "view": views, "lexical": _scores(lex, lexical, rows, views), "answer": answer, "ratio": ratio}, schema=schema))
    return pl.concat(out) if out else pl.DataFrame(schema=schema)
