"""The layered detector: benchmark views in, (training text, view, method, score) matches out.

1. n-grams: rarity-weighted containment of a view's shingles (copies, reformatted copies, copies
   inside longer prompts, shuffled options); method "exact" when the normalized texts are equal
   (this also catches a copy of an item too generic to index, e.g. "Which of the following is true?").
2. embeddings: rows not caught by (1) whose rare words overlap some view enough, and whose cheap
   static vectors are close to it (or every row, with `embed: all`), are embedded; their faiss
   nearest views and their word-overlap views are checked against the recipe's rules (cosine,
   rare-word overlap, length guard). Method "embedding".

Rows are processed in batches of `batch_rows`; everything inside a batch is array/Polars work.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.embed import Embedder
from bagel_data.decontam.normalize import normalized, words
from bagel_data.decontam.shingles import ShingleIndex, TokenBatch

SENTENCE = r"[^?!:;\n\"“”]+"  # a row's sentences and lines: split at ? ! : ; newlines, quotes, and ". "
MATCH_SCHEMA = {"row": pl.Int64, "view": pl.Int64, "method": pl.String, "score": pl.Float64, "lexical": pl.Float64}


@dataclass
class DetectStats:
    rows: int = 0
    ngram_matched: int = 0
    embedded: int = 0
    embedding_matched: int = 0
    seconds: dict = field(default_factory=lambda: {"ngram": 0.0, "lexical": 0.0, "embedding": 0.0})


def _segments(views: pl.DataFrame, with_text: pl.Series | None = None) -> pl.DataFrame:
    segs = views.select("view", pl.col("segments").alias("segment"), pl.col("segments").list.eval(pl.int_range(pl.len())).alias("position"))
    segs = segs.explode(["segment", "position"]).with_columns(pl.col("position").cast(pl.Int64))
    if with_text is not None:  # views whose own segments carry no weight also index their whole text
        extra = views.filter(pl.col("view").is_in(with_text.implode())).select("view", pl.col("text").alias("segment"), pl.lit(0, dtype=pl.Int64).alias("position"))
        segs = pl.concat([segs, extra])
    return segs.filter(pl.col("segment").is_not_null())


class Detector:
    """Indexes benchmark views once; `detect` scans any number of training texts against them."""

    def __init__(self, views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None = None):
        self.config = config
        self.views = views.rename({"view": "view_name"}).with_row_index("view").with_columns(pl.col("view").cast(pl.Int64), normalized(pl.col("text")).alias("norm"))
        started = time.perf_counter()
        info = dict(rare_df=config.rare_df, min_information=config.min_information)
        build = dict(n=config.n, threshold=config.ngram_threshold, min_tokens=config.min_tokens, max_df=config.ngram_max_df, short_information=config.short_information, anchor=True, **info)
        index = ShingleIndex.build(_segments(self.views), **build)
        blank = pl.Series(np.flatnonzero(index.view_weight == 0), dtype=pl.Int64)
        self.ngrams = ShingleIndex.build(_segments(self.views, blank), **build) if blank.len() else index
        self.embedder = embedder if config.embedding else None
        self.lexical = ShingleIndex.build(_segments(self.views), n=1, threshold=max(config.lexical_floor, 0.0), **info)
        self.informative = pl.Series(np.flatnonzero(self.lexical.view_weight > 0), dtype=pl.Int64)
        self.view_chars = self.views["text"].str.len_chars().to_numpy()
        self.sentences = self.views.filter(pl.col("view").is_in(self.informative.implode()), pl.col("segments").list.len() == 1).select("view", "norm")
        self.vectors = self.static_views = None
        if self.embedder is not None:
            self.vectors = self.embedder.embed(self.views["text"])
            import faiss

            self.faiss = faiss.IndexFlatIP(self.vectors.shape[1])
            self.faiss.add(self.vectors)
            self.static_views = self.embedder.static_vectors(self.views["text"]) if config.prefilter > 0 and not config.embed_all else None
        self.index_seconds = time.perf_counter() - started
        self.stats = DetectStats()

    def detect(self, texts: pl.Series, embed_texts: pl.Series | None = None) -> pl.DataFrame:
        """Matches (row, view, method, score, lexical) for `texts`; `embed_texts` (default `texts`)
        is what gets embedded, e.g. the user turn without the system prompt."""
        embed_texts = texts if embed_texts is None else embed_texts
        out = []
        for start in range(0, max(len(texts), 1), self.config.batch_rows):
            chunk = texts.slice(start, self.config.batch_rows)
            if chunk.len():
                found = self._detect_batch(chunk, embed_texts.slice(start, self.config.batch_rows))
                out.append(found.with_columns(pl.col("row") + start))
        result = pl.concat(out) if out else pl.DataFrame(schema=MATCH_SCHEMA)
        return result.cast(MATCH_SCHEMA).sort(["row", "view", "method"])

    def _detect_batch(self, texts: pl.Series, embed_texts: pl.Series) -> pl.DataFrame:
        t0 = time.perf_counter()
        word_lists = texts.to_frame("t").select(words(pl.col("t"))).to_series()
        batch = TokenBatch.from_lists(word_lists, self.ngrams.vocabulary)
        found = self._with_exact(self.ngrams.contained(batch), texts)
        self.stats.rows += texts.len()
        self.stats.ngram_matched += found["row"].n_unique()
        t1 = time.perf_counter()
        self.stats.seconds["ngram"] += t1 - t0
        if self.embedder is None:
            return found
        return pl.concat([found, self._embedding_matches(word_lists, embed_texts, found["row"].unique().to_numpy())])

    def _with_exact(self, found: pl.DataFrame, texts: pl.Series) -> pl.DataFrame:
        """n-gram matches, plus views whose normalized text equals the whole row (method "exact")
        or one of its sentences or lines (a one-sentence item quoted in a longer prompt, too short
        for n-grams: "Q: Are you an artificial intelligence?\nA:"). Sentence matches need an
        informative item, whole-text equality does not."""
        rows = texts.to_frame("t").with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
        whole = rows.select("row", normalized(pl.col("t")).alias("norm")).filter(pl.col("norm") != "")
        exact = whole.join(self.views.select("view", "norm"), on="norm").select("row", "view", pl.lit(1.0).alias("exact"))
        pieces = rows.select("row", pl.col("t").str.replace_all(r"\.\s", "\n").str.extract_all(SENTENCE).alias("piece")).explode("piece")
        pieces = pieces.select("row", normalized(pl.col("piece")).alias("norm")).filter(pl.col("norm") != "").unique()
        sentence = pieces.join(self.sentences, on="norm").select("row", "view", pl.lit(1.0).alias("sentence"))
        both = found.rename({"text": "row"}).join(exact, on=["row", "view"], how="full", coalesce=True).join(sentence, on=["row", "view"], how="full", coalesce=True)
        return both.select(
            "row", "view",
            pl.when(pl.col("exact").is_not_null()).then(pl.lit("exact")).otherwise(pl.lit("ngram")).alias("method"),
            pl.coalesce("exact", "score", "sentence").alias("score"), pl.lit(None, dtype=pl.Float64).alias("lexical"),
        ).cast(MATCH_SCHEMA)

    def _ratio(self, pairs: pl.DataFrame, row_chars: np.ndarray) -> pl.DataFrame:
        """Add `ratio`: shorter over longer length (chars) of the row's embedded text and the view."""
        lengths, view_lengths = row_chars[pairs["text"].to_numpy()], self.view_chars[pairs["view"].to_numpy()]
        ratio = np.minimum(lengths, view_lengths) / np.maximum(np.maximum(lengths, view_lengths), 1)
        return pairs.with_columns(pl.Series("ratio", ratio, dtype=pl.Float64))

    def _rules(self, cosine: bool = True) -> pl.Expr:
        """True where some rule holds; without `cosine`, where one still could once embedded."""
        keep = pl.lit(False)
        for rule in self.config.rules:
            holds = (pl.col("lexical") >= rule.lexical - 1e-9) & (pl.col("ratio") >= rule.length_ratio)
            keep = keep | ((pl.col("score") >= rule.cosine) & holds if cosine else holds)
        return keep

    def _prefilter(self, pairs: pl.DataFrame, embed_texts: pl.Series) -> pl.DataFrame:
        """Keep candidate pairs (text, view, lexical, ratio) whose static vectors are close enough,
        for some rule, to be worth a transformer pass."""
        if self.static_views is None or self.config.prefilter <= 0 or pairs.height == 0:
            return pairs
        rows = np.unique(pairs["text"].to_numpy())
        static = self.embedder.static_vectors(embed_texts.gather(rows))
        pairs = pairs.join(pl.DataFrame({"text": rows, "pos": np.arange(rows.size, dtype=np.int64)}), on="text")
        close = np.einsum("ij,ij->i", static[pairs["pos"].to_numpy()], self.static_views[pairs["view"].to_numpy()])
        pairs = pairs.with_columns(pl.Series("static", close.astype(np.float64)))
        keep = pl.lit(False)
        for rule in self.config.rules:
            needed = self.config.prefilter if rule.static is None else rule.static
            keep = keep | ((pl.col("lexical") >= rule.lexical - 1e-9) & (pl.col("ratio") >= rule.length_ratio) & (pl.col("static") >= needed))
        return pairs.filter(keep)

    def _embedding_matches(self, word_lists: pl.Series, embed_texts: pl.Series, done: np.ndarray) -> pl.DataFrame:
        t0 = time.perf_counter()
        batch = TokenBatch.from_lists(word_lists, self.lexical.vocabulary)
        hits = self.lexical.hits(batch).filter(~pl.col("text").is_in(pl.Series(done, dtype=pl.Int64).implode()))  # rows caught already
        row_chars = embed_texts.str.len_chars().fill_null(0).to_numpy()
        if self.config.embed_all:
            overlap = pl.DataFrame(schema={"text": pl.Int64, "view": pl.Int64})
            rows = np.arange(word_lists.len())
        else:  # only rows with a (rare-word overlap, length) pair some rule accepts can match at all
            shortest = min(rule.length_ratio for rule in self.config.rules)
            candidates = self._ratio(self.lexical.candidates(hits), row_chars).filter(pl.col("ratio") >= shortest - 1e-9)
            overlap = self._ratio(self.lexical.contained(batch, hits, candidates.select("text", "view")).rename({"score": "lexical"}), row_chars)
            overlap = self._prefilter(overlap.filter(self._rules(cosine=False)), embed_texts).select("text", "view")
            rows = np.unique(overlap["text"].to_numpy())
        rows = np.setdiff1d(rows, done).astype(np.int64)
        t1 = time.perf_counter()
        self.stats.seconds["lexical"] += t1 - t0
        if rows.size == 0:
            return pl.DataFrame(schema=MATCH_SCHEMA)
        vectors = self.embedder.embed(embed_texts.gather(rows))
        self.stats.embedded += rows.size
        k = min(self.config.top_k, self.vectors.shape[0])
        _sims, nearest = self.faiss.search(vectors, k)
        pairs = pl.concat(
            [
                pl.DataFrame({"text": np.repeat(rows, k), "view": nearest.reshape(-1).astype(np.int64)}).filter(pl.col("view") >= 0),
                overlap.filter(pl.col("text").is_in(pl.Series(rows).implode())),
            ]
        ).unique()
        pairs = pairs.filter(pl.col("view").is_in(self.informative.implode()))  # generic views never match on meaning
        pairs = self._ratio(self.lexical.score_pairs(pairs, hits).rename({"score": "lexical"}), row_chars)
        pairs = pairs.join(pl.DataFrame({"text": rows, "pos": np.arange(rows.size, dtype=np.int64)}), on="text")
        cosine = np.einsum("ij,ij->i", vectors[pairs["pos"].to_numpy()], self.vectors[pairs["view"].to_numpy()])
        pairs = pairs.with_columns(pl.Series("score", cosine.astype(np.float64)).round(4))
        matched = pairs.filter(self._rules()).select(pl.col("text").alias("row"), "view", pl.lit("embedding").alias("method"), "score", "lexical")
        self.stats.embedding_matched += matched["row"].n_unique()
        self.stats.seconds["embedding"] += time.perf_counter() - t1
        return matched.cast(MATCH_SCHEMA)
