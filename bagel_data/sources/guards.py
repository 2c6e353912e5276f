"""The HumanEval guard of the code sources (apps, python_alpaca, rosetta_code; recipe
`filters: {humaneval_guard: true}`): a row whose solution contains, or is contained in, a
HumanEval canonical solution is set aside as "filter: humaneval solution".

HumanEval is read through the reading layer as the recipe's `humaneval` benchmark. Source option
`humaneval_match`: `exact` (the original bagel code: plain substring tests on the texts as they
are, every canonical solution counts, "    return x + y\n" included) or `normalized` (whitespace
runs collapsed to one space on both sides; solutions shorter than `humaneval_min_chars` after
collapsing are too generic to mean contamination and are ignored on both sides). Vectorized: one Aho-Corasick pass finds canonical solutions inside
the rows' solutions; one literal search per row finds the row's solution inside the canonical
solutions joined by a separator no normalized text contains.
"""

from __future__ import annotations

import polars as pl

from bagel_data.reading import ReadError
from bagel_data.sources.base import SourceContext

REASON = "filter: humaneval solution"
DEFAULT_MIN_CHARS = 40
_SEPARATOR = "\x00"


def normalize_code(text: pl.Expr) -> pl.Expr:
    """Whitespace (and NUL) runs collapsed to one space, ends stripped; null becomes ""."""
    return text.cast(pl.String).fill_null("").str.replace_all(r"[\s\x00]+", " ").str.strip_chars()


def canonical_solutions(ctx: SourceContext, min_chars: int, normalize: bool = True) -> list[str]:
    """Distinct (normalized) HumanEval canonical solutions of at least `min_chars` characters."""
    raw = ctx.read_benchmark("humaneval")
    if "canonical_solution" not in raw.rows.columns:
        raise ReadError(f"benchmark humaneval (for source {ctx.name}): no canonical_solution column in {raw.files}")
    text = pl.col("canonical_solution").cast(pl.String)
    solutions = (
        raw.rows.select((normalize_code(text) if normalize else text.fill_null("")).alias("s"))
        .filter(pl.col("s").str.len_chars() >= min_chars)
        .unique(maintain_order=True)["s"]
        .to_list()
    )
    if not solutions:
        raise ReadError(f"benchmark humaneval (for source {ctx.name}): no canonical solution of {min_chars}+ chars in {raw.files}")
    return solutions


def humaneval_check(ctx: SourceContext, solution: pl.Expr) -> list[tuple[str, pl.Expr]]:
    """The guard as a `split_rejects` check on `solution`, when the recipe switches it on."""
    if not ctx.spec.filters.get("humaneval_guard"):
        return []
    mode = str(ctx.options.get("humaneval_match", "exact"))
    if mode not in ("exact", "normalized"):
        raise ValueError(f"source {ctx.name}: humaneval_match must be 'exact' or 'normalized', not {mode!r}")
    min_chars = int(ctx.options.get("humaneval_min_chars", DEFAULT_MIN_CHARS)) if mode == "normalized" else 1
    canonical = canonical_solutions(ctx, min_chars, normalize=mode == "normalized")
    text = normalize_code(solution) if mode == "normalized" else solution.cast(pl.String).fill_null("")
    contains_canonical = text.str.contains_any(canonical)
    inside_canonical = (text.str.len_chars() >= min_chars) & pl.lit(_SEPARATOR.join(canonical)).str.contains(text, literal=True)
    return [(REASON, contains_canonical | inside_canonical)]
