"""Text normalization shared by every layer: NFKC, lower case, words of letters and digits only.

Punctuation, whitespace, case and option-label styles ("A.", "(A)", "A)") all vanish, so a
reformatted copy tokenizes exactly like the original. Everything is a Polars expression.
"""

from __future__ import annotations

import polars as pl

WORD = r"[^\W_]+"  # runs of letters or digits, any script; underscores and punctuation split words


def words(text: pl.Expr) -> pl.Expr:
    """List of normalized words of a string column (empty list for null)."""
    return text.fill_null("").str.normalize("NFKC").str.to_lowercase().str.extract_all(WORD)


def normalized(text: pl.Expr) -> pl.Expr:
    """Canonical form of a string: its normalized words joined by single spaces."""
    return words(text).list.join(" ")
