"""belebele (facebook/belebele, every language file): passage + question → text of the correct answer.

Each row's language (its `dialect`, else the file name) is its category. At most `per_language`
rows per language are kept (300 in bagel), chosen by coin rank per upstream row; the rest are
set aside with reason "filter: per-language cap" and no raw copy. `correct_answer_num` may be a
string or an integer; anything but 1-4 is malformed.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import ROW_KEY, Converted, SourceContext, blank, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects

ANSWER_COLUMNS = ("mc_answer1", "mc_answer2", "mc_answer3", "mc_answer4")
CAP_REASON = "filter: per-language cap"
_SEP = "\x1f"


def correct_answer() -> pl.Expr:
    number = pl.col("correct_answer_num").cast(pl.String).str.strip_chars()
    expr = pl.lit(None, dtype=pl.String)
    for n, column in reversed(list(enumerate(ANSWER_COLUMNS, start=1))):
        expr = pl.when(number == str(n)).then(pl.col(column).cast(pl.String)).otherwise(expr)
    return expr


def language() -> pl.Expr:
    from_file = pl.col(ROW_KEY).str.extract(r"([^/]+?)\.jsonl?(?:\.gz)?:\d+$")
    return pl.coalesce(pl.when(~blank(pl.col("dialect"))).then(pl.col("dialect").str.strip_chars()), from_file, pl.lit("unknown"))


def cap_per_language(frame: pl.DataFrame, ctx: SourceContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the `per_language` rows with the lowest coins in each language; the rest become rejects."""
    limit = ctx.options.get("per_language")
    if limit is None:
        return frame, pl.DataFrame(schema={"row_key": pl.String, "reason": pl.String, "raw": pl.String})
    key = pl.concat_str([pl.col("language"), pl.col("link"), pl.col("question_number").cast(pl.String)], separator=_SEP)
    frame = frame.with_columns(pl.coalesce(key, pl.col(ROW_KEY)).alias("__coin_key"))
    ranked = frame.with_columns(coin(frame, ctx, "per_language", key="__coin_key").alias("__coin"))
    ranked = ranked.with_columns(pl.col("__coin").rank("ordinal").over("language").alias("__rank"))
    over = ranked.filter(pl.col("__rank") > int(limit))
    dropped = over.select(pl.col(ROW_KEY).alias("row_key"), pl.lit(CAP_REASON).alias("reason"), pl.lit(None, dtype=pl.String).alias("raw"))
    return ranked.filter(pl.col("__rank") <= int(limit)), dropped


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = has_columns(raw.rows, "link", "question_number", "flores_passage", "question", *ANSWER_COLUMNS, "correct_answer_num", "dialect")
    frame = frame.with_columns(correct_answer().alias("answer_text"), language().alias("language"))
    number = pl.col("correct_answer_num").cast(pl.String).str.strip_chars()
    kept, rejects = split_rejects(
        frame,
        [
            ("malformed: empty passage", blank(pl.col("flores_passage"))),
            ("malformed: empty question", blank(pl.col("question"))),
            ("malformed: correct_answer_num not 1-4", ~number.is_in(["1", "2", "3", "4"])),
            ("malformed: empty correct answer", blank(pl.col("answer_text"))),
        ],
    )
    kept, capped = cap_per_language(kept, ctx)
    user = pl.col("flores_passage").str.strip_chars() + "\n" + pl.col("question").str.strip_chars()
    kept = kept.with_columns(single_turn(user, pl.col("answer_text").str.strip_chars()))
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=finish_instructions(kept, ctx, category=pl.col("language")),
        rejects=[reading_rejects(raw), rejects, capped],
    )
