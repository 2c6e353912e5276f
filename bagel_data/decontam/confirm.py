"""Checks a match on meaning (an embedding rule) must also pass; a pair that fails one is demoted
to review (`contamination_review`), not dropped from the mix. Copies (exact, n-gram) are never
checked. Each check takes the matched pairs (row, view, score) and returns the (row, view) pairs
that fail it.

- options (multiple choice): a row that lists its own lettered options (3+ lines like "A. ...")
  matches an MC item only when the item's correct answer is among them (ARC names it) and at
  least `options_found` of the item's options are (an option is found when half its words are in
  the row): the same question with other options, or other quantities as options (MMLU
  "38% / 53% / 68% / 83%" for "50% / 60% / 70% / 80%"), is another item.
- numbers: an item and a row that each hold `min_numbers` or more distinct numbers must share
  them: a Jaccard overlap of the two sets below `below` is a template twin with other quantities
  ("100 mph for 6 hours, then 30 mph for 1 hour" for "20 mph for 6 hours"; a pKa problem with
  other concentrations). Numbers as `answers.numbers` reads them ("3,650" = "3650", "seven" = "7").
- minimal pairs: a row that follows the item's question word for word (difflib ratio of the
  normalized words of the row, up to its first option line, and of the item's first segment
  >= `aligned`) yet scores below cosine `below` differs in a word that changes the task ("a
  substance in the gas phase" for "... the solid phase", "feels tired every afternoon" for
  "has to go to the hospital every day"), unless the numbers confirm the match (the item holds
  `min_numbers`+ numbers and the two sets overlap by a Jaccard of 0.5 or more: a GSM8K problem
  with its question moved to the front).
"""

from __future__ import annotations

import difflib

import polars as pl

from bagel_data.decontam.answers import numbers
from bagel_data.decontam.normalize import normalized, words

OPTION_LINE = r"(?m)^\s*\(?[A-Ea-e1-5][.):]\s"  # "A. ", "(b) ", "3: " at a line start
STEM = r"(?s)^(.*?)\n\s*\(?[A-Ea-e1-5][.):]\s"  # the text before the first option line
OPTION_WORDS = 0.5  # an item option is found in a row holding this share of its words
CONFIRMING_NUMBERS = 0.5  # Jaccard of the number sets that confirms a minimal pair
PAIRS = pl.DataFrame(schema={"row": pl.Int64, "view": pl.Int64})


def _rows(texts: pl.Series, rows: pl.Series) -> pl.DataFrame:
    """(row, t): the distinct rows named and their texts."""
    rows = rows.unique().sort()
    return rows.to_frame("row").with_columns(texts.gather(rows).fill_null("").alias("t"))


def _jaccard(a: str, b: str) -> pl.Expr:
    common = pl.col(a).list.set_intersection(pl.col(b)).list.len()
    return common / (pl.col(a).list.len() + pl.col(b).list.len() - common).clip(lower_bound=1)


class Checks:
    """Per-view facts the checks read, taken once from the indexed views (view, view_name,
    benchmark, item_id, text, segments)."""

    def __init__(self, views: pl.DataFrame, *, options_found: float = 0.0, number_below: float = 0.0, min_numbers: int = 2,
                 aligned: float = 0.0, pair_below: float = 0.0):
        self.options_found, self.number_below, self.min_numbers = options_found, number_below, min_numbers
        self.aligned, self.pair_below = aligned, pair_below
        ids = views.select("view", "benchmark", "item_id")
        answered = views.filter(pl.col("view_name") == "question_answer").select("benchmark", "item_id", normalized(pl.col("segments").list.last()).alias("answer"))
        choices = views.filter(pl.col("view_name") == "question_choices").select("benchmark", "item_id", pl.col("segments").list.slice(1).alias("options"))
        self.choices = ids.join(choices, on=["benchmark", "item_id"]).join(answered.filter(pl.col("answer") != ""), on=["benchmark", "item_id"], how="left").select("view", "options", "answer")
        self.numbers = views.select("view", numbers(pl.col("text")).alias("v_numbers")) if number_below > 0 or aligned > 0 else None
        self.heads = views.select("view", words(pl.col("segments").list.first()).alias("head")) if aligned > 0 else None

    def options(self, found: pl.DataFrame, texts: pl.Series) -> pl.DataFrame:
        """Pairs whose row lists options that lack the MC item's answer or most of its options."""
        check = found.select("row", "view").join(self.choices, on="view")
        if check.height == 0:
            return PAIRS
        listed = _rows(texts, check["row"]).filter(pl.col("t").str.count_matches(OPTION_LINE) >= 3).select(
            "row", (" " + normalized(pl.col("t")) + " ").alias("row_norm"), words(pl.col("t")).list.unique().alias("row_words")
        )
        check = check.join(listed, on="row")
        if check.height == 0:
            return PAIRS
        no_answer = check.filter(pl.col("answer").is_not_null() & ~pl.col("row_norm").str.contains(" " + pl.col("answer") + " ", literal=True)).select("row", "view")
        each = check.select("row", "view", "row_words", pl.col("options")).explode("options").with_columns(words(pl.col("options")).list.unique().alias("w"))
        each = each.with_columns((pl.col("w").list.set_intersection("row_words").list.len() >= OPTION_WORDS * pl.col("w").list.len()).alias("in"))
        share = each.group_by("row", "view").agg(pl.col("in").mean().alias("share"))
        few = share.filter(pl.col("share") < self.options_found - 1e-9).select("row", "view") if self.options_found > 0 else PAIRS
        return pl.concat([no_answer, few]).unique()

    def _with_numbers(self, pairs: pl.DataFrame, texts: pl.Series) -> pl.DataFrame:
        row_numbers = _rows(texts, pairs["row"]).select("row", numbers(pl.col("t")).alias("r_numbers"))
        return pairs.join(self.numbers, on="view").join(row_numbers, on="row")

    def numbers_differ(self, found: pl.DataFrame, texts: pl.Series) -> pl.DataFrame:
        """Pairs where item and row each hold `min_numbers`+ numbers but share too few of them."""
        if self.number_below <= 0 or found.height == 0:
            return PAIRS
        both = self._with_numbers(found.select("row", "view"), texts).filter(
            (pl.col("v_numbers").list.len() >= self.min_numbers) & (pl.col("r_numbers").list.len() >= self.min_numbers)
        )
        return both.filter(_jaccard("v_numbers", "r_numbers") < self.number_below - 1e-9).select("row", "view")

    def minimal_pairs(self, found: pl.DataFrame, texts: pl.Series) -> pl.DataFrame:
        """Pairs below `pair_below` whose row follows the item's first segment word for word
        (difflib ratio >= `aligned`), unless the numbers confirm them."""
        if self.aligned <= 0 or found.height == 0:
            return PAIRS
        low = self._with_numbers(found.filter(pl.col("score") < self.pair_below - 1e-9).select("row", "view"), texts)
        confirmed = (pl.col("v_numbers").list.len() >= self.min_numbers) & (_jaccard("v_numbers", "r_numbers") >= CONFIRMING_NUMBERS)
        low = low.filter(~confirmed)
        if low.height == 0:
            return PAIRS
        stems = _rows(texts, low["row"]).select("row", words(_stem(pl.col("t"))).alias("stem"))
        low = low.join(stems, on="row").join(self.heads, on="view")
        ratio = [difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() for a, b in zip(low["stem"].to_list(), low["head"].to_list())]
        return low.with_columns(pl.Series("aligned", ratio, dtype=pl.Float64)).filter(pl.col("aligned") >= self.aligned - 1e-9).select("row", "view")


def _stem(text: pl.Expr) -> pl.Expr:
    """A row's text up to its first option line (all of it when it lists none)."""
    return pl.coalesce(text.str.extract(STEM, 1), text)
