"""Rarity-weighted shingle containment, vectorized over flat token-hash arrays.

A *shingle* of a benchmark segment is each run of n words in it, or the whole segment when it is
shorter than n (but at least `min_tokens` words). A shingle's weight is its inverse document
frequency among the distinct benchmark segments (`ln((1+S)/(1+df))`, zero past `max_df`), so text
that many items share (MMLU's moral-scenarios preamble, "Which of the following ...") counts for
little. A training text *contains* a view to the degree of the weight of the view's shingles that
occur in it: copies score 1, copies wrapped in longer prompts too, unrelated texts about 0.

Words hash to 64-bit values (blake2b, stable), runs of k words to a polynomial rolling hash taken
from prefix sums, so every k-gram of a batch costs a few array operations. Candidate (text, view)
pairs come from each view's *prefix* (its rarest shingles, holding more than 1 - threshold of its
weight: a text missing all of them cannot reach the threshold), then are scored exactly.
Segments whose words are all common carry no *information* and are not indexed at all. With
n = 1 the same index measures overlap of rare words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl
from scipy import sparse

from bagel_data.decontam.normalize import words

MIN_COMMON_DF = 50
PAIR_CHUNK = 500_000  # (text, view) pairs scored per sparse product
BITMAP_BITS = 24  # membership pre-test of shingle hashes: 16 MiB of flags
_P = (0x9E3779B97F4A7C15 | 1) & 0xFFFFFFFFFFFFFFFF  # odd, so invertible mod 2^64
_P_INV = pow(_P, -1, 1 << 64)


def word_hashes(tokens: list[str]) -> np.ndarray:
    """A stable non-zero 64-bit value per word (0 is reserved for words outside a vocabulary)."""
    raw = b"".join(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest() for t in tokens)
    values = np.frombuffer(raw, dtype="<u8").copy() if raw else np.zeros(0, dtype=np.uint64)
    values[values == 0] = 1
    return values


def _powers(base: int, count: int) -> np.ndarray:
    steps = np.full(count, base, dtype=np.uint64)
    if count:
        steps[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(steps, dtype=np.uint64)


@dataclass(eq=False)
class TokenBatch:
    """Words of many texts as one flat hash array plus each text's length."""

    hashes: np.ndarray  # uint64 per word, texts back to back
    lengths: np.ndarray  # int64 words per text

    @classmethod
    def from_lists(cls, word_lists: pl.Series, vocabulary: pl.DataFrame | None = None) -> "TokenBatch":
        """Hash a column of word lists; with a `vocabulary` (word, hash) unknown words become 0."""
        lengths = word_lists.list.len().fill_null(0).to_numpy().astype(np.int64)
        flat = word_lists.explode().drop_nulls()
        if vocabulary is None:
            uniq = flat.unique(maintain_order=True)
            vocabulary = pl.DataFrame({"word": uniq, "hash": word_hashes(uniq.to_list())})
        hashes = flat.replace_strict(vocabulary["word"], vocabulary["hash"], default=0, return_dtype=pl.UInt64).to_numpy()
        return cls(hashes.astype(np.uint64, copy=False), lengths)

    @cached_property
    def _layout(self) -> tuple[np.ndarray, np.ndarray]:
        """(text index of each word, words left in its text from there on)."""
        starts = np.cumsum(self.lengths) - self.lengths
        text_of = np.repeat(np.arange(self.lengths.size), self.lengths)
        return text_of, np.repeat(starts + self.lengths, self.lengths) - np.arange(self.hashes.size)

    @cached_property
    def _prefix(self) -> tuple[np.ndarray, np.ndarray]:
        """(prefix sums of hash * P^i, P^-i): a run's hash from two lookups, whatever its length."""
        total = self.hashes.size
        with np.errstate(over="ignore"):
            prefix = np.zeros(total + 1, dtype=np.uint64)
            np.cumsum(self.hashes * _powers(_P, total), dtype=np.uint64, out=prefix[1:])
        return prefix, _powers(_P_INV, total)

    def kgrams(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(text index, hash) of every run of k words that lies inside one text."""
        text_of, remaining = self._layout
        ok = np.flatnonzero(remaining >= k)
        if ok.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
        prefix, inverse = self._prefix
        with np.errstate(over="ignore"):
            grams = (prefix[ok + k] - prefix[ok]) * inverse[ok]
        return text_of[ok], grams


def _table(texts: np.ndarray, grams: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({"text": texts.astype(np.int64), "hash": grams.astype(np.uint64)})


@dataclass
class ShingleIndex:
    n: int
    threshold: float
    vocabulary: pl.DataFrame  # word, hash
    lengths: tuple[int, ...]  # run lengths that shingles have
    shingles: pl.DataFrame  # view, hash, weight (weight > 0, unique per view)
    prefix: pl.DataFrame  # hash, view: the shingles that generate candidates
    view_weight: np.ndarray  # total shingle weight per view (0: view not indexable)
    view_segments: np.ndarray  # segments per view that have shingles
    view_anchored: np.ndarray  # views whose first segment (question, passage) has shingles
    anchor: bool = False  # a multi-segment view matches only through its first segment, else through two segments

    @classmethod
    def build(
        cls, segments: pl.DataFrame, *, n: int, threshold: float, min_tokens: int = 1, max_df: float = 1.0,
        rare_df: float = 0.01, min_information: float = 0.0, short_information: float | None = None, anchor: bool = False,
    ) -> "ShingleIndex":
        """Index views from a frame of (view: int, segment: str[, position: int]), one row per
        segment of a view, position 0 for its question or passage.

        `max_df`: the largest share of distinct segments a shingle may occur in and still count.
        A segment's *information* is the rarity of its distinct words (a word's idf above that of a
        word in `rare_df` of the segments); segments below `min_information` ("Which of the
        following is true?") are too generic to index, and segments shorter than n, which match
        as a whole phrase, need `short_information` ("The Federal Reserve is" is not specific
        enough to call a text containing it a copy). With n = 1 a shingle is a word weighted by
        that rarity, so containment is rare-word overlap. With `anchor`, a view matches only when
        its first segment is found, or (when that segment is too generic to index) two of its
        segments: one answer option ("water boiling in a pot") never matches a whole item."""
        position = pl.col("position") if "position" in segments.columns else pl.lit(0)
        segs = segments.select(pl.col("view").cast(pl.Int64), words(pl.col("segment")).alias("words"), (position == 0).alias("first"))
        distinct = segs.select("words").unique(maintain_order=True).filter(pl.col("words").list.len() >= 1)
        vocab_words = distinct["words"].explode().drop_nulls().unique(maintain_order=True).sort()
        vocabulary = pl.DataFrame({"word": vocab_words, "hash": word_hashes(vocab_words.to_list())})
        batch = TokenBatch.from_lists(distinct["words"], vocabulary)
        total = distinct.height
        rarity = _word_rarity(distinct, vocabulary, total, rare_df)
        words_of = distinct.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("text"), pl.col("words").list.unique().alias("word")).explode("word")
        info = words_of.join(rarity, on="word").group_by("text").agg(pl.col("rarity").sum().alias("info"))
        short = short_information if short_information is not None and n > 1 else min_information
        sizes = pl.DataFrame({"text": np.arange(total, dtype=np.int64), "len": batch.lengths})
        needed = pl.when(pl.col("len") < n).then(pl.lit(short)).otherwise(pl.lit(min_information))
        informative = info.join(sizes, on="text").filter(pl.col("info") >= needed - 1e-9).select("text")
        if n == 1:
            seg_weights = words_of.join(informative, on="text").join(rarity, on="word").select("text", "hash", pl.col("rarity").alias("weight"))
            lengths: tuple[int, ...] = (1,)
        else:
            seg_weights, lengths = _ngram_weights(batch, total, n=n, min_tokens=min_tokens, max_df=max_df)
            seg_weights = seg_weights.join(informative, on="text")
        seg_weights = seg_weights.filter(pl.col("weight") > 0)
        # map distinct segments back to the views that have them
        seg_index = distinct.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("text"))
        view_seg = segs.join(seg_index, on="words").select("view", "text", "first")
        shingles = (
            view_seg.join(seg_weights, on="text").select("view", "hash", "weight", pl.col("text").alias("segment"), "first")
            .sort(["view", "hash", "first", "segment"], descending=[False, False, True, False]).unique(subset=["view", "hash"], keep="first", maintain_order=True)
        )
        n_views = int(segments["view"].max()) + 1 if segments.height else 0
        view_weight, view_segments, view_anchored = np.zeros(n_views), np.zeros(n_views, dtype=np.int64), np.zeros(n_views, dtype=bool)
        sums = shingles.group_by("view").agg(pl.col("weight").sum(), pl.col("segment").n_unique().alias("segments"), pl.col("first").any())
        view_weight[sums["view"].to_numpy()] = sums["weight"].to_numpy()
        view_segments[sums["view"].to_numpy()] = sums["segments"].to_numpy()
        view_anchored[sums["view"].to_numpy()] = sums["first"].to_numpy()
        budget = pl.col("view").replace_strict(sums["view"], sums["weight"]) * (1.0 - threshold)
        prefix = (
            shingles.sort(["view", "weight", "hash"], descending=[False, True, False])
            .with_columns((pl.col("weight").cum_sum().over("view") - pl.col("weight")).alias("before"))
            .filter(pl.col("before") <= budget + 1e-9)
            .select("hash", "view")
        )
        return cls(n, threshold, vocabulary, lengths, shingles, prefix, view_weight, view_segments, view_anchored, anchor)

    def hits(self, batch: TokenBatch) -> pl.DataFrame:
        """Distinct (text, hash) pairs: indexed shingles that occur in each text of the batch."""
        known, seen = self.columns, self.bitmap
        found = []
        for k in self.lengths:
            texts, grams = batch.kgrams(k)
            maybe = np.flatnonzero(seen[grams >> np.uint64(64 - BITMAP_BITS)])  # cheap test first, binary search on the few left
            texts, grams = texts[maybe], grams[maybe]
            pos = np.searchsorted(known, grams)
            keep = (pos < known.size) & (known[np.minimum(pos, known.size - 1)] == grams) if known.size else np.zeros(grams.size, bool)
            found.append(_table(texts[keep], grams[keep]))
        return pl.concat(found).unique()

    @cached_property
    def bitmap(self) -> np.ndarray:
        """One flag per value of a hash's top BITMAP_BITS bits: set where some shingle has them."""
        flags = np.zeros(1 << BITMAP_BITS, dtype=bool)
        flags[self.columns >> np.uint64(64 - BITMAP_BITS)] = True
        return flags

    def candidates(self, hits: pl.DataFrame) -> pl.DataFrame:
        """(text, view) pairs that hit one of the view's prefix shingles: every pair that can reach the threshold."""
        return hits.join(self.prefix, on="hash").select("text", "view").unique()

    def contained(self, batch: TokenBatch, hits: pl.DataFrame | None = None, candidates: pl.DataFrame | None = None) -> pl.DataFrame:
        """(text, view, score) for every pair whose weighted containment reaches the threshold
        (among `candidates`, when a caller has narrowed them further)."""
        hits = self.hits(batch) if hits is None else hits
        candidates = self.candidates(hits) if candidates is None else candidates
        scored = self.score_pairs(candidates, hits)
        return scored.filter(pl.col("score") >= self.threshold - 1e-9).sort(["text", "view"])

    @cached_property
    def columns(self) -> np.ndarray:
        """Sorted distinct shingle hashes: the columns of `matrix`."""
        return np.unique(self.shingles["hash"].to_numpy())

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """Views x shingles, the weights."""
        cols = np.searchsorted(self.columns, self.shingles["hash"].to_numpy())
        return sparse.csr_matrix((self.shingles["weight"].to_numpy(), (self.shingles["view"].to_numpy(), cols)), shape=(self.view_weight.size, self.columns.size))

    @cached_property
    def by_shingle(self) -> sparse.csr_matrix:
        """Shingles x views, the weights (`matrix` transposed): the right factor of `matched`."""
        return self.matrix.T.tocsr()

    def found(self, hits: pl.DataFrame, n_texts: int) -> sparse.csr_matrix:
        """Texts x shingles: 1 where a text of the batch holds an indexed shingle (from `hits`)."""
        texts = hits["text"].to_numpy()
        cols = np.searchsorted(self.columns, hits["hash"].to_numpy())
        return sparse.csr_matrix((np.ones(texts.size), (texts, cols)), shape=(n_texts, self.columns.size))

    def matched(self, found: sparse.csr_matrix, weights: sparse.csr_matrix | None = None) -> sparse.csr_matrix:
        """Texts x views: the weight of each view's shingles found in each text, for every pair that
        shares one, in one sparse product (over `view_weight`: the containment `score_pairs` gives
        without `anchor`). `weights`: `by_shingle` with some views' columns zeroed, to leave them out."""
        return (found @ (self.by_shingle if weights is None else weights)).tocsr()

    def score_pairs(self, pairs: pl.DataFrame, hits: pl.DataFrame) -> pl.DataFrame:
        """Weighted containment (text, view, score) of given (text, view) pairs, from a batch's hits
        (0 where `anchor` is on and the view's anchor was not found). The matched weight of every
        pair is a row-wise product of sparse matrices (texts x shingles hit, views x weights)."""
        pairs = pairs.select(pl.col("text").cast(pl.Int64), pl.col("view").cast(pl.Int64)).unique().sort(["text", "view"])
        if pairs.height == 0:
            return pairs.with_columns(pl.lit(0.0).alias("score"))
        texts, views = pairs["text"].to_numpy(), pairs["view"].to_numpy()
        hit_text = hits["text"].to_numpy()
        shape = (int(max(texts.max(), hit_text.max() if hit_text.size else 0)) + 1, self.columns.size)
        found = sparse.csr_matrix((np.ones(hit_text.size), (hit_text, np.searchsorted(self.columns, hits["hash"].to_numpy()))), shape=shape)
        matched = np.concatenate(
            [np.asarray(found[texts[i : i + PAIR_CHUNK]].multiply(self.matrix[views[i : i + PAIR_CHUNK]]).sum(axis=1)).ravel() for i in range(0, texts.size, PAIR_CHUNK)]
        )
        total = self.view_weight[views]
        score = np.divide(matched, total, out=np.zeros_like(matched), where=total > 0)
        out = pairs.with_columns(pl.Series("score", score).round(6))
        return self._anchored(out, hits) if self.anchor else out

    def _anchored(self, scored: pl.DataFrame, hits: pl.DataFrame) -> pl.DataFrame:
        """Zero the score of pairs that hit a view without its anchor: its first segment when that
        has shingles, else two of its segments."""
        positive = scored.filter(pl.col("score") > 0).select("text", "view")
        seen = (
            positive.join(self.shingles, on="view")
            .join(hits, on=["text", "hash"], how="semi")
            .group_by("text", "view")
            .agg(pl.col("segment").n_unique().alias("hit_segments"), pl.col("first").any().alias("hit_first"))
        )
        views = pl.DataFrame({"view": np.arange(self.view_weight.size, dtype=np.int64), "segments": self.view_segments, "anchored": self.view_anchored})
        two = pl.col("hit_segments") >= pl.min_horizontal(pl.col("segments"), pl.lit(2))
        ok = seen.join(views, on="view").select("text", "view", pl.when(pl.col("anchored")).then(pl.col("hit_first")).otherwise(two).alias("ok"))
        return scored.join(ok, on=["text", "view"], how="left").select(
            "text", "view", pl.when(pl.col("ok").fill_null(False)).then(pl.col("score")).otherwise(0.0).alias("score")
        )


def _word_rarity(distinct: pl.DataFrame, vocabulary: pl.DataFrame, total: int, rare_df: float) -> pl.DataFrame:
    """(word, hash, rarity): ln((1 + D) / (1 + df)) floored at 0, where D, the document frequency
    from which a word is common, is `rare_df` of the distinct segments but at least
    MIN_COMMON_DF (a small benchmark set cannot tell common words from rare ones)."""
    df = distinct.select(pl.col("words").list.unique()).explode("words").group_by("words").len("df").rename({"words": "word"})
    common = max(rare_df * total, MIN_COMMON_DF)
    return vocabulary.join(df, on="word").select("word", "hash", ((1.0 + common) / (1.0 + pl.col("df"))).log().clip(lower_bound=0.0).alias("rarity"))


def _ngram_weights(batch: TokenBatch, total: int, *, n: int, min_tokens: int, max_df: float) -> tuple[pl.DataFrame, tuple[int, ...]]:
    """(text, hash, weight) shingles of every distinct segment (its n-grams, or itself when shorter
    than n), weighted by idf; and the run lengths they have. A short shingle's document frequency
    counts its occurrences inside longer segments too."""
    lens = batch.lengths
    own = [_table(*batch.kgrams(n))]
    short = np.flatnonzero((lens >= min_tokens) & (lens < n))
    short_lengths = sorted({int(x) for x in lens[short]})
    starts = np.cumsum(lens) - lens
    for k in short_lengths:
        own.append(_whole(batch, starts, short[lens[short] == k], k))
    seg_shingles = pl.concat(own).unique()
    occurrences = [seg_shingles]
    for k in short_lengths:
        texts, grams = batch.kgrams(k)
        keep = np.isin(grams, seg_shingles["hash"].to_numpy())
        occurrences.append(_table(texts[keep], grams[keep]))
    df = pl.concat(occurrences).unique().group_by("hash").len("df")
    limit = max(1.0, max_df * total)
    weights = df.select("hash", pl.when(pl.col("df") <= limit).then(((1.0 + total) / (1.0 + pl.col("df"))).log()).otherwise(0.0).alias("weight"))
    return seg_shingles.join(weights, on="hash"), tuple(sorted({n, *short_lengths}))


def _whole(batch: TokenBatch, starts: np.ndarray, idx: np.ndarray, k: int) -> pl.DataFrame:
    """The hash of the whole of each text in `idx` (all of length k)."""
    if idx.size == 0:
        return _table(np.zeros(0, np.int64), np.zeros(0, np.uint64))
    with np.errstate(over="ignore"):
        powers = _powers(_P, k)
        grams = np.zeros(idx.size, dtype=np.uint64)
        for j in range(k):
            grams += batch.hashes[starts[idx] + j] * powers[j]
    return _table(idx, grams)
