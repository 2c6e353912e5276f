"""belebele (facebook/belebele, every language file): passage + question → text of the correct answer.

Each row's language (its `dialect`, else the file name) is its category. At most `per_language`
rows per language are kept (300 in bagel), the ones with the lowest coins, a coin per upstream
item (language, link, question number); the rest are set aside with reason "filter:
per-language cap" and no raw copy. `correct_answer_num` may be a string or an integer; anything
but 1-4 is malformed.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import ROW_KEY, Converted, SourceContext, blank, coin, finish_instructions, has_columns, reading_rejects, single_turn, split_rejects
from bagel_data.sources.dedupe import keep_first_id

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


def cap_per_language(rows: pl.DataFrame, coins: pl.DataFrame, limit: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the `limit` rows with the lowest coins in each category (language); the rest become rejects.
    `coins` holds row_key and coin per upstream row."""
    if limit is None:
        return rows, pl.DataFrame(schema={"row_key": pl.String, "reason": pl.String, "raw": pl.String})
    rank = pl.col("__coin").rank("ordinal").over("category")
    ranked = rows.join(coins, on="row_key", how="left", maintain_order="left").with_columns(rank.alias("__rank"))
    over = ranked.filter(pl.col("__rank") > int(limit))
    dropped = over.select("row_key", pl.lit(CAP_REASON).alias("reason"), pl.lit(None, dtype=pl.String).alias("raw"))
    return ranked.filter(pl.col("__rank") <= int(limit)).drop("__coin", "__rank"), dropped


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
    item = pl.concat_str([pl.col("language"), pl.col("link"), pl.col("question_number").cast(pl.String)], separator=_SEP)
    kept = kept.with_columns(pl.coalesce(item, pl.col(ROW_KEY)).alias("__coin_key"))
    coins = kept.select(pl.col(ROW_KEY).alias("row_key"), coin(kept, ctx, "per_language", key="__coin_key").alias("__coin"))
    user = pl.col("flores_passage") + "\n" + pl.col("question")
    kept = kept.with_columns(single_turn(user, pl.col("answer_text")))
    rows, repeats = keep_first_id(finish_instructions(kept, ctx, category=pl.col("language")), "filter: duplicate instruction")
    rows, capped = cap_per_language(rows, coins, ctx.options.get("per_language"))
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=rows,
        rejects=[reading_rejects(raw), rejects, repeats, capped],
    )
