"""emobank (JULIELab/EmoBank corpus/emobank.csv, a GitHub file): a sentence → its
Valence-Arousal-Dominance scores as JSON, as the original bagel code wrote them.

Only rows of the recipe's `split` (train) are used; the others are set aside as filtered. The CSV
is read with standard quoting (doubled quotes inside quoted fields), as Python's csv module does.

- Scores (option `vad_as`): `strings`, the CSV's text as JSON strings, `{"V": "3.0", ...}` with a
  two-space indent (the original), or `numbers`, JSON numbers. Either way V/A/D must be numbers on
  EmoBank's 1-5 scale, else the row is malformed.
- Quote marks (option `quote_cleanup`): the corpus is sentence-split, so a text may end on a
  dangling quote mark. `original`: every trailing '"' is stripped (which also breaks a quotation
  that closes the sentence); `dangling`: one unbalanced mark is removed at the end, else at the
  start, balanced quotes stay.
- A text left empty is malformed; a text without letters or digits (".." or "!") is kept, as in
  the original, unless option `drop_textless` is on.
- No deduplication: the original keyed rows by EmoBank's ids, so a sentence annotated twice is
  two rows (option `dedupe: true` keeps the first).
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, blank, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import dedupe

PROMPT = "Please assign a Valence-Arousal-Dominance (VAD) score in JSON format to the following message:\n"
SCORES = ("V", "A", "D")


def original_cleanup() -> pl.Expr:
    """Strip whitespace, then every trailing '"', then trailing whitespace again."""
    return pl.col("text").cast(pl.String).str.strip_chars().str.strip_chars_end('"').str.strip_chars_end()


def dangling_cleanup() -> pl.Expr:
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


CLEANUPS = {"original": original_cleanup, "dangling": dangling_cleanup}


def score_text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).str.strip_chars()


def score(name: str) -> pl.Expr:
    return score_text(name).cast(pl.Float64, strict=False)


def vad_json(as_strings: bool) -> pl.Expr:
    """{"V": ..., "A": ..., "D": ...} laid out with a two-space indent, as json.dumps(indent=2) does."""
    value = (lambda name: pl.format('"{}"', score_text(name))) if as_strings else (lambda name: score(name).cast(pl.String))
    fields = [pl.format('  "{}": {}', pl.lit(name), value(name)) for name in SCORES]
    return pl.concat_str([pl.lit("{\n"), pl.concat_str(fields, separator=",\n"), pl.lit("\n}")])


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "id", "split", *SCORES, "text")
    cleanup = str(ctx.options.get("quote_cleanup", "original"))
    if cleanup not in CLEANUPS:
        raise ValueError(f"emobank option quote_cleanup must be one of {sorted(CLEANUPS)}, not {cleanup!r}")
    vad_as = str(ctx.options.get("vad_as", "strings"))
    if vad_as not in ("strings", "numbers"):
        raise ValueError(f"emobank option vad_as must be 'strings' or 'numbers', not {vad_as!r}")
    frame = frame.with_columns(CLEANUPS[cleanup]().alias("clean_text"))
    wanted = str(ctx.options.get("split", "train"))
    number = [score(name) for name in SCORES]
    textless = [("filter: no letters or digits in text", ~pl.col("clean_text").str.contains(r"[\p{L}\p{N}]"))] if ctx.options.get("drop_textless") else []
    kept, rejects = split_rejects(
        frame,
        [
            (f"filter: split is not {wanted}", pl.col("split").cast(pl.String).str.strip_chars() != wanted),
            ("malformed: V/A/D not a number", pl.any_horizontal([v.is_null() | v.is_nan() for v in number])),
            ("malformed: V/A/D outside 1-5", pl.any_horizontal([~v.is_between(1.0, 5.0) for v in number])),
            ("malformed: empty text", blank(pl.col("clean_text"))),
            *textless,
        ],
    )
    kept = kept.with_columns(single_turn(pl.lit(PROMPT) + pl.col("clean_text"), vad_json(vad_as == "strings")))
    rows, repeats = dedupe(finish_instructions(kept, ctx), ctx, "filter: duplicate instruction", default=False)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats],
    )
