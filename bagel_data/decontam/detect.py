"""The layered detector: benchmark views in, (training text, view, method, score) matches out.

1. n-grams: rarity-weighted containment of a view's shingles (copies, reformatted copies, copies
   inside longer prompts, shuffled options); method "exact" when the normalized texts are equal
   (this also catches a copy of an item too generic to index, e.g. "Which of the following is true?").
2. embeddings: rows not caught by (1) with a candidate pair (candidates.py: enough rare words
   of a view in the row, or most of an item's answer keys: numbers, defined function names,
   answers.py) that some rule could accept, cheap static vectors included, and that no check of
   confirm.py rules out whatever the cosine (or every row, with `embed: all`), are embedded;
   their candidate views (faiss nearest views with `embed: all`) are checked against the
   recipe's rules (cosine, rare-word overlap, answer keys, length guard, static cosine,
   benchmarks). Method "embedding", or "answer" when only a rule that needs answer keys holds.
   A recipe may veto matches of numbers-bound items (GSM8K) whose row holds too few of the
   item's answer keys; passage + question items (DROP) need a row sentence close to the
   question (the same passage with another question is another task); and every match passes
   the checks of confirm.py (a multiple-choice item's options, shared numbers, no
   word-for-word twin at a low cosine).
3. review: pairs that miss every rule but lie within the review bands below one are kept in
   `Detector.near` (method of the rule they came close to); they go to `contamination_review`.

Rows are processed in batches of `batch_rows`; everything inside a batch is array/Polars work.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bagel_data.decontam.answers import key_batch, key_index
from bagel_data.decontam.candidates import candidate_pairs, floors, only_views
from bagel_data.decontam.config import DecontamConfig, Rule
from bagel_data.decontam.confirm import Checks
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
    answer_matched: int = 0
    near: int = 0
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
        self.lexical = ShingleIndex.build(_segments(self.views), n=1, threshold=min(max(config.lexical_floor, 0.0), 1.0), **info)
        uses_keys = config.answer_floor is not None or (config.answer_veto > 0 and config.veto_benchmarks)
        self.keys = key_index(self.views.select("view", "text"), config.answer_floor or 1.0) if uses_keys else None
        names = sorted(set(self.views["benchmark"].to_list()))
        self.view_bench = self.views["benchmark"].replace_strict(names, list(range(len(names))), return_dtype=pl.Int64).to_numpy()
        self.bench_code = dict(zip(names, range(len(names))))
        self.lexical_floor, self.answer_floor = floors(config, names, self.view_bench)  # per view: the candidate stage's floors
        if self.keys is not None:  # answer shares are read only where an answer rule or the veto can use them
            read = np.isfinite(self.answer_floor) | np.isin(self.view_bench, [self.bench_code.get(b, -1) for b in config.veto_benchmarks])
            self.key_weights = only_views(self.keys.by_shingle, read)
        self.informative = pl.Series(np.flatnonzero(self.lexical.view_weight > 0), dtype=pl.Int64)
        self.view_chars = self.views["text"].str.len_chars().to_numpy()
        self.sentences = self.views.filter(pl.col("view").is_in(self.informative.implode()), pl.col("segments").list.len() == 1).select("view", "norm")
        self.vectors = self.static_views = None
        passage = self.views.filter(pl.col("view_name") == "passage_question", pl.col("segments").list.len() >= 2)
        self.question_views = passage["view"].to_numpy()
        self.question_vectors = None
        self.checks = Checks(self.views, options_found=config.options_found, number_below=config.number_veto, min_numbers=config.min_numbers,
                             aligned=config.aligned, pair_below=config.pair_below)
        self._view_vectors: dict[int, np.ndarray] = {}
        self._faiss = None
        if self.embedder is not None:
            if config.embed_all:  # every row is embedded: its faiss neighbours are the candidates
                self.faiss
            self.static_views = self.embedder.static_vectors(self.views["text"]) if config.prefilter > 0 and not config.embed_all else None
            if config.question_cosine > 0 and passage.height:
                self.question_vectors = self.embedder.embed(passage["segments"].list.last())
        self.index_seconds = time.perf_counter() - started
        self.stats = DetectStats()
        self.near = pl.DataFrame(schema=MATCH_SCHEMA)  # borderline pairs of every detect call so far

    @property
    def faiss(self):
        """Exact inner-product index over every view's vector (embeds every view once)."""
        if self._faiss is None:
            import faiss

            self.vectors = self.embedder.embed(self.views["text"])
            self._view_vectors = {}
            self._faiss = faiss.IndexFlatIP(self.vectors.shape[1])
            self._faiss.add(self.vectors)
        return self._faiss

    def view_vectors(self, views: np.ndarray) -> np.ndarray:
        """Vectors of the given views: from the full matrix when built, else embedded on first use
        (a candidates-mode run embeds only the views some candidate pair names)."""
        if self.vectors is not None:
            return self.vectors[views]
        missing = np.setdiff1d(np.unique(views), np.fromiter(self._view_vectors, dtype=np.int64, count=len(self._view_vectors)))
        if missing.size:
            for v, vector in zip(missing.tolist(), self.embedder.embed(self.views["text"].gather(missing))):
                self._view_vectors[v] = vector
        dim = next(iter(self._view_vectors.values())).shape[0] if self._view_vectors else 1
        return np.stack([self._view_vectors[int(v)] for v in views]) if len(views) else np.zeros((0, dim), dtype=np.float32)

    def take_near(self) -> pl.DataFrame:
        """The borderline pairs collected since the last call (row numbers as in `detect`)."""
        near, self.near = self.near, pl.DataFrame(schema=MATCH_SCHEMA)
        return near

    def detect(self, texts: pl.Series, embed_texts: pl.Series | None = None) -> pl.DataFrame:
        """Matches (row, view, method, score, lexical) for `texts`; `embed_texts` (default `texts`)
        is what gets embedded, e.g. the user turn without the system prompt."""
        embed_texts = texts if embed_texts is None else embed_texts
        out, near = [], []
        for start in range(0, max(len(texts), 1), self.config.batch_rows):
            chunk = texts.slice(start, self.config.batch_rows)
            if chunk.len():
                found, close = self._detect_batch(chunk, embed_texts.slice(start, self.config.batch_rows))
                out.append(found.with_columns(pl.col("row") + start))
                near.append(close.with_columns(pl.col("row") + start))
        result = pl.concat(out) if out else pl.DataFrame(schema=MATCH_SCHEMA)
        if near:
            self.near = pl.concat([self.near, *[n.cast(MATCH_SCHEMA) for n in near]]).sort(["row", "view"])
        return result.cast(MATCH_SCHEMA).sort(["row", "view", "method"])

    def _detect_batch(self, texts: pl.Series, embed_texts: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
        t0 = time.perf_counter()
        word_lists = texts.to_frame("t").select(words(pl.col("t"))).to_series()
        batch = TokenBatch.from_lists(word_lists, self.ngrams.vocabulary)
        found = self._with_exact(self.ngrams.contained(batch), texts)
        unconfirmed = pl.DataFrame(schema=MATCH_SCHEMA)  # a verbatim passage is a copy whatever the question
        self.stats.rows += texts.len()
        self.stats.ngram_matched += found["row"].n_unique()
        t1 = time.perf_counter()
        self.stats.seconds["ngram"] += t1 - t0
        if self.embedder is None:
            return found, unconfirmed
        matched, near = self._embedding_matches(texts, word_lists, embed_texts, found["row"].unique().to_numpy())
        matched, demoted = self._confirm_questions(matched, embed_texts)
        matched, failed = self._confirm(matched, texts)
        near = pl.concat([near, demoted, failed, unconfirmed]).unique(["row", "view"], keep="first", maintain_order=True)
        return pl.concat([found, matched]), near

    def _confirm(self, found: pl.DataFrame, texts: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(kept, demoted): the meaning matches that pass every check of confirm.py (options of a
        multiple-choice item, numbers, minimal pairs), and those that fail one."""
        if found.height == 0:
            return found, pl.DataFrame(schema=MATCH_SCHEMA)
        failed = pl.concat([self.checks.options(found, texts), self.checks.numbers_differ(found, texts), self.checks.minimal_pairs(found, texts)]).unique()
        return found.join(failed, on=["row", "view"], how="anti"), found.join(failed, on=["row", "view"], how="semi").cast(MATCH_SCHEMA)

    def _confirm_questions(self, found: pl.DataFrame, embed_texts: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(kept, demoted): matches of passage + question views stand only when some sentence of the
        row is within `question_cosine` of the item's question; the others become borderline."""
        if self.question_vectors is None or found.height == 0:
            return found, pl.DataFrame(schema=MATCH_SCHEMA)
        check = found.filter(pl.col("view").is_in(pl.Series(self.question_views, dtype=pl.Int64).implode()))
        if check.height == 0:
            return found, pl.DataFrame(schema=MATCH_SCHEMA)
        rows = check["row"].unique().sort()
        pieces = rows.to_frame("row").with_columns(embed_texts.gather(rows).alias("t"))
        pieces = pieces.select("row", pl.col("t").str.replace_all(r"([.!?])\s", "$1\n").str.split("\n").alias("s")).explode("s")
        pieces = pieces.with_columns(pl.col("s").str.strip_chars()).filter(pl.col("s").str.len_chars() > 0).unique(maintain_order=True)
        vectors = self.embedder.embed(pieces["s"])
        position = {int(v): i for i, v in enumerate(self.question_views)}
        pairs = check.select("row", "view").join(pieces.with_row_index("p").select("row", pl.col("p").cast(pl.Int64)), on="row")
        q = self.question_vectors[[position[int(v)] for v in pairs["view"].to_list()]]
        pairs = pairs.with_columns(pl.Series("q", np.einsum("ij,ij->i", vectors[pairs["p"].to_numpy()], q)))
        best = pairs.group_by("row", "view").agg(pl.col("q").max())
        weak = best.filter(pl.col("q") < self.config.question_cosine).select("row", "view")
        demoted = found.join(weak, on=["row", "view"], how="semi")
        return found.join(weak, on=["row", "view"], how="anti"), demoted.cast(MATCH_SCHEMA)

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

    def _holds(self, rule: Rule, cosine: bool = True, veto: bool = True, static: bool = True) -> pl.Expr:
        """Where `rule` holds for pairs (lexical, ratio, answer, bench[, static][, score]); without
        `cosine`, where it still could once embedded; without `static`, before static cosines exist."""
        holds = (pl.col("lexical") >= rule.lexical - 1e-9) & (pl.col("ratio") >= rule.length_ratio)
        if rule.answer > 0:
            holds = holds & (pl.col("answer") >= rule.answer - 1e-9)
        if rule.benchmarks is not None:
            holds = holds & pl.col("bench").is_in([self.bench_code.get(b, -1) for b in rule.benchmarks])
        if rule.exclude:
            holds = holds & ~pl.col("bench").is_in([self.bench_code.get(b, -1) for b in rule.exclude])
        if veto and self.config.answer_veto > 0 and self.config.veto_benchmarks:
            vetoed = pl.col("bench").is_in([self.bench_code.get(b, -1) for b in self.config.veto_benchmarks]) & pl.col("keyed") & (pl.col("answer") < self.config.answer_veto)
            holds = holds & ~vetoed
        if static:  # a pair too far apart in cheap vectors for a rule is not worth embedding for it, nor matched by it
            holds = holds & (pl.col("static") >= (self.config.prefilter if rule.static is None else rule.static) - 1e-9)
        return holds & (pl.col("score") >= rule.cosine) if cosine else holds

    def _rules(self, cosine: bool = True, rules: tuple[Rule, ...] | None = None, veto: bool = True, static: bool = True) -> pl.Expr:
        """True where some rule holds; without `cosine`, where one still could once embedded."""
        keep = pl.lit(False)
        for rule in self.config.rules if rules is None else rules:
            keep = keep | self._holds(rule, cosine, veto, static)
        return keep

    @property
    def _review_rules(self) -> tuple[Rule, ...]:
        return tuple(r.relaxed(self.config.review) for r in self.config.rules) if self.config.review.enabled else ()

    def _with_static(self, pairs: pl.DataFrame, embed_texts: pl.Series) -> pl.DataFrame:
        """Add `static`: the cosine of the pair's cheap token-mean vectors (1.0 without a prefilter)."""
        if self.static_views is None or self.config.prefilter <= 0 or pairs.height == 0:
            return pairs.with_columns(pl.lit(1.0).alias("static"))
        rows = np.unique(pairs["text"].to_numpy())
        static = self.embedder.static_vectors(embed_texts.gather(rows))
        pos = np.searchsorted(rows, pairs["text"].to_numpy())
        close = np.einsum("ij,ij->i", static[pos], self.static_views[pairs["view"].to_numpy()])
        return pairs.with_columns(pl.Series("static", close.astype(np.float64)))

    def _signals(self, pairs: pl.DataFrame, hits: pl.DataFrame, key_hits: pl.DataFrame | None, row_chars: np.ndarray) -> pl.DataFrame:
        """(text, view) pairs with lexical (rare-word overlap), answer (key share), bench, ratio."""
        pairs = self.lexical.score_pairs(pairs, hits).rename({"score": "lexical"})
        if self.keys is not None and key_hits is not None:
            pairs = pairs.join(self.keys.score_pairs(pairs.select("text", "view"), key_hits).rename({"score": "answer"}), on=["text", "view"], how="left")
        else:
            pairs = pairs.with_columns(pl.lit(0.0).alias("answer"))
        keyed = self.keys.view_weight[pairs["view"].to_numpy()] > 0 if self.keys is not None else np.zeros(pairs.height, dtype=bool)
        pairs = pairs.with_columns(pl.col("answer").fill_null(0.0), pl.Series("bench", self.view_bench[pairs["view"].to_numpy()], dtype=pl.Int64), pl.Series("keyed", keyed))
        return self._ratio(pairs, row_chars)

    def _embedding_matches(self, texts: pl.Series, word_lists: pl.Series, embed_texts: pl.Series, done: np.ndarray) -> tuple[pl.DataFrame, pl.DataFrame]:
        t0 = time.perf_counter()
        empty = pl.DataFrame(schema=MATCH_SCHEMA)
        caught = pl.Series(done, dtype=pl.Int64).implode()
        batch = TokenBatch.from_lists(word_lists, self.lexical.vocabulary)
        hits = self.lexical.hits(batch).filter(~pl.col("text").is_in(caught))  # rows caught already
        key_hits = None
        if self.keys is not None:
            key_hits = self.keys.hits(key_batch(texts, self.keys)).filter(~pl.col("text").is_in(caught))
        row_chars = embed_texts.str.len_chars().fill_null(0).to_numpy()
        if self.config.embed_all:
            possible = pl.DataFrame(schema={"text": pl.Int64, "view": pl.Int64})
            rows = np.arange(word_lists.len())
        else:  # only rows with a (rare-word overlap, answer keys, length) pair some rule accepts can match at all
            shortest = min(rule.length_ratio for rule in self.config.rules)
            possible = candidate_pairs(
                self.lexical, hits, word_lists.len(), self.lexical_floor, self.keys, key_hits, self.key_weights if self.keys is not None else None,
                self.answer_floor, row_chars, self.view_chars, shortest,
            )
            keyed = self.keys.view_weight[possible["view"].to_numpy()] > 0 if self.keys is not None else np.zeros(possible.height, dtype=bool)
            possible = possible.with_columns(pl.Series("bench", self.view_bench[possible["view"].to_numpy()], dtype=pl.Int64), pl.Series("keyed", keyed))
            possible = possible.filter(self._rules(cosine=False, static=False) | self._rules(cosine=False, rules=self._review_rules, veto=False, static=False))
            possible = self._with_static(possible, embed_texts)
            worth = possible.filter(self._rules(cosine=False)).select(pl.col("text").alias("row"), "view")  # some rule could hold once embedded ...
            failed = pl.concat([self.checks.options(worth, texts), self.checks.numbers_differ(worth, texts)])  # ... and no check fails whatever the cosine
            rows = np.unique(worth.join(failed, on=["row", "view"], how="anti")["row"].to_numpy())
            possible = possible.filter(pl.col("static") >= self.config.pair_static)  # pairs the model pass then scores
        rows = np.setdiff1d(rows, done).astype(np.int64)
        t1 = time.perf_counter()
        self.stats.seconds["lexical"] += t1 - t0
        if rows.size == 0:
            return empty, empty
        vectors = self.embedder.embed(embed_texts.gather(rows))
        self.stats.embedded += rows.size
        if self.config.embed_all:  # faiss neighbours of every row
            k = min(self.config.top_k, self.faiss.ntotal)
            _sims, nearest = self.faiss.search(vectors, k)
            pairs = pl.DataFrame({"text": np.repeat(rows, k), "view": nearest.reshape(-1).astype(np.int64)}).filter(pl.col("view") >= 0)
            pairs = self._signals(pairs.unique().filter(pl.col("view").is_in(self.informative.implode())), hits, key_hits, row_chars).with_columns(pl.lit(1.0).alias("static"))  # generic views never match on meaning
        else:  # every pair of an embedded row that a rule (or the review band) could accept: a superset of its faiss neighbours that could
            pairs = possible.filter(pl.col("text").is_in(pl.Series(rows).implode()), pl.col("view").is_in(self.informative.implode()))
        pairs = pairs.join(pl.DataFrame({"text": rows, "pos": np.arange(rows.size, dtype=np.int64)}), on="text")
        cosine = np.einsum("ij,ij->i", vectors[pairs["pos"].to_numpy()], self.view_vectors(pairs["view"].to_numpy()))
        pairs = pairs.with_columns(pl.Series("score", cosine.astype(np.float64)).round(4))
        plain = tuple(r for r in self.config.rules if r.answer <= 0)
        pairs = pairs.with_columns(self._rules(rules=plain).alias("plain"), self._rules().alias("any"))
        method = pl.when(pl.col("plain")).then(pl.lit("embedding")).otherwise(pl.lit("answer")).alias("method")
        matched = pairs.filter(pl.col("any")).select(pl.col("text").alias("row"), "view", method, "score", "lexical")
        self.stats.embedding_matched += matched.filter(pl.col("method") == "embedding")["row"].n_unique()
        self.stats.answer_matched += matched.filter(pl.col("method") == "answer")["row"].n_unique()
        near = empty
        if self._review_rules:
            near_rows = pairs.filter(~pl.col("any") & self._rules(rules=self._review_rules, veto=False))
            near_rows = near_rows.join(matched.select(pl.col("row").alias("text"), pl.col("view")), on="text", how="anti")  # a row matched anywhere is not borderline
            near = near_rows.select(pl.col("text").alias("row"), "view", pl.lit("embedding").alias("method"), "score", "lexical").cast(MATCH_SCHEMA)
            self.stats.near += near["row"].n_unique()
        self.stats.seconds["embedding"] += time.perf_counter() - t1
        return matched.cast(MATCH_SCHEMA), near
