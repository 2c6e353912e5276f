"""emobank (JULIELab/EmoBank corpus/emobank.csv, a GitHub file): a sentence → its
Valence-Arousal-Dominance scores as JSON.

Only rows of the recipe's `split` (train) are used; the others are set aside as filtered. The
CSV reader gives every field as text: V/A/D must be numbers on EmoBank's 1-5 scale and are
written into the JSON as numbers. The corpus is sentence-split, so a text may carry an
unbalanced quote mark at its start or end; that one mark is removed.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

PROMPT = "Please assign a Valence-Arousal-Dominance (VAD) score in JSON format to the following message:\n"
SCORES = ("V", "A", "D")


def clean_text() -> pl.Expr:
    """Strip whitespace; if the text holds an odd number of '"', drop a dangling one at the end (else the start)."""
    text = pl.col("text").cast(pl.String).str.strip_chars()
    odd = text.str.count_matches('"', literal=True) % 2 == 1
    return (
        pl.when(odd & text.str.ends_with('"'))
        .then(text.str.slice(0, text.str.len_chars() - 1))
        .when(odd & text.str.starts_with('"'))
        .then(text.str.slice(1))
        .otherwise(text)
        .str.strip_chars()
    )


def score(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)


def vad_json() -> pl.Expr:
    """{"V": 3.0, "A": 3.0, "D": 3.2} laid out with a two-space indent, the scores as JSON numbers."""
    fields = [pl.format('  "{}": {}', pl.lit(name), score(name).cast(pl.String)) for name in SCORES]
    return pl.concat_str([pl.lit("{\n"), pl.concat_str(fields, separator=",\n"), pl.lit("\n}")])


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "id", "split", *SCORES, "text")
    frame = frame.with_columns(clean_text().alias("clean_text"))
    wanted = str(ctx.options.get("split", "train"))
    number = [score(name) for name in SCORES]
    kept, rejects = split_rejects(
        frame,
        [
            (f"filter: split is not {wanted}", pl.col("split").cast(pl.String).str.strip_chars() != wanted),
            ("malformed: V/A/D not a number", pl.any_horizontal([v.is_null() | v.is_nan() for v in number])),
            ("malformed: V/A/D outside 1-5", pl.any_horizontal([~v.is_between(1.0, 5.0) for v in number])),
            ("malformed: empty text", blank(pl.col("clean_text"))),
            ("malformed: no letters or digits in text", ~pl.col("clean_text").str.contains(r"[\p{L}\p{N}]")),
        ],
    )
    kept = kept.with_columns(single_turn(pl.lit(PROMPT) + pl.col("clean_text"), vad_json()))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
