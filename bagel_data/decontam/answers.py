"""Answer-aware evidence: the tokens an item's answer hangs on, which a rewording keeps.

A GSM8K problem retold in other words keeps its numbers; a HumanEval task described in prose
usually keeps its function name and example values; a template twin with other numbers keeps
neither. An item's *keys* are its numbers (thousands separators dropped: "3,650" = "3650",
"5.50" = "550") and, for code, the names it defines (`def sum_product(` gives "sumproduct"). A
training text's keys are its numbers and every identifier-like word, so "sum_product" and
"sumproduct" both meet the key; number words up to twenty and the tens count as their digits
("seventy" = "70"). The key index is a rarity-weighted n = 1 `ShingleIndex` over
those tokens (a number every item has counts little, a rare one much); its containment is the
rule signal `answer`. Items with fewer than `MIN_KEYS` distinct keys have none (one small
number proves nothing).
"""

from __future__ import annotations

import polars as pl

from bagel_data.decontam.shingles import ShingleIndex, TokenBatch

NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"  # 12, 3,650, 5.50 ("[1,4,9]" is three numbers)
DEFINED = r"\bdef\s+([A-Za-z_][A-Za-z0-9_]*)\s*\("
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
MIN_KEYS = 3
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
NUMBER_WORDS = {**{w: str(i) for i, w in enumerate(_UNITS)}, **{w: str(10 * i) for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), start=3)}}
SPELLED = r"(?i)\b(?:" + "|".join(NUMBER_WORDS) + r")\b"


def _numbers(text: pl.Expr) -> pl.Expr:
    digits = text.str.extract_all(NUMBER).list.eval(pl.element().str.replace_all(r"[.,]", ""))
    spelled = text.str.extract_all(SPELLED).list.eval(pl.element().str.to_lowercase().replace_strict(NUMBER_WORDS, default=None)).list.drop_nulls()
    return pl.concat_list(digits, spelled)


def numbers(text: pl.Expr) -> pl.Expr:
    """Distinct numbers of a text as keys read them (digits without separators, spelled up to twenty and the tens)."""
    return _numbers(text.fill_null("")).list.unique().list.sort()


def _names(found: pl.Expr) -> pl.Expr:
    return found.list.eval(pl.element().str.to_lowercase().str.replace_all("_", ""))


def view_keys(text: pl.Expr) -> pl.Expr:
    """Distinct key tokens of an item view: its numbers and the functions it defines."""
    text = text.fill_null("")
    defined = _names(text.str.extract_all(DEFINED).list.eval(pl.element().str.extract(DEFINED, 1)))
    return pl.concat_list(_numbers(text), defined).list.unique().list.sort()


def text_keys(text: pl.Expr) -> pl.Expr:
    """Key tokens a training text offers: its numbers and identifier-like words."""
    text = text.fill_null("")
    return pl.concat_list(_numbers(text), _names(text.str.extract_all(IDENTIFIER))).list.unique()


def key_index(views: pl.DataFrame, threshold: float) -> ShingleIndex:
    """Rarity-weighted index of the views' keys (views: view, text); views with fewer than
    MIN_KEYS keys are left out (weight 0)."""
    keys = views.select("view", view_keys(pl.col("text")).alias("keys"))
    keys = keys.filter(pl.col("keys").list.len() >= MIN_KEYS).select("view", pl.col("keys").list.join(" ").alias("segment"))
    last = pl.DataFrame({"view": [int(views["view"].max() or 0)], "segment": [""]}, schema={"view": pl.Int64, "segment": pl.String})
    keys = pl.concat([keys.with_columns(pl.col("view").cast(pl.Int64)), last])  # weights cover every view, keyed or not
    return ShingleIndex.build(keys, n=1, threshold=threshold, rare_df=1.0, min_information=0.0)


def key_batch(texts: pl.Series, index: ShingleIndex) -> TokenBatch:
    """The texts' keys, as `text_keys` gives them, hashed against the index. Only the index's own
    words can count, so identifier-like words are extracted only from texts that contain some
    indexed name (underscores dropped, any case: one Aho-Corasick pass); the other texts offer
    their numbers alone. Same keys as `text_keys`, at a fraction of the cost on prose."""
    frame = texts.fill_null("").to_frame("t")
    vocab = index.vocabulary["word"]
    names = vocab.filter(~vocab.str.contains(r"^\d+$") & (vocab.str.len_chars() > 0)).to_list()
    numbers = frame.select(_numbers(pl.col("t")).alias("k")).to_series()
    if names:
        named = frame.select(pl.col("t").str.replace_all("_", "", literal=True).str.contains_any(names, ascii_case_insensitive=True)).to_series()
        rows = named.arg_true()
        if rows.len():
            found = frame[rows].select(pl.Series("row", rows, dtype=pl.UInt32), _names(pl.col("t").str.extract_all(IDENTIFIER)).alias("e"))
            joined = numbers.to_frame("n").with_row_index("row").join(found, on="row", how="left", maintain_order="left")
            numbers = joined.select(pl.concat_list("n", pl.col("e").fill_null(pl.lit([], dtype=pl.List(pl.String))))).to_series()
    lists = numbers.list.unique()
    return TokenBatch.from_lists(lists, index.vocabulary)
