"""Gather one source's selected normalized rows (an Arrow-backed Polars frame) and render
chunks of its plan into output rows with the prompt formats of `bagel_data.formats`.

One source's base rows and one chunk of output rows (each a base row in one format, at one
assistant turn, history included) are in memory at a time. Output ids: the base row id, and
for the 2nd, 3rd, ... assistant turn of a multi-turn conversation `<id>#<turn>` (turn counted
from 0), so (id, format) is unique per training row and `base_id` recovers the row id.
"""

from __future__ import annotations

import polars as pl

from bagel_data.formats.expand import expand_instructions, expand_preferences, expand_texts
from bagel_data.mix.config import MixConfig
from bagel_data.mix.plan import TEXT_FORMAT
from bagel_data.mix.select import Selection, part_path
from bagel_data.mix.spill import KEY, POS
from bagel_data.storage import Layout

TURN_SEPARATOR = "#"
COLUMNS = {
    "instructions": ("id", "source", "system", "conversation"),
    "texts": ("id", "source", "text"),
    "preferences": ("id", "source", "system", "prompt", "chosen", "rejected"),
}
OUTPUT_COLUMNS = {
    "sft": ("id", "source", "format", "prompt", "completion", "messages"),
    "dpo": ("id", "source", "format", "prompt", "chosen", "rejected"),
}


def base_id(column: pl.Expr) -> pl.Expr:
    """The normalized row id of an output id (drops a `#turn` suffix)."""
    return column.str.split(TURN_SEPARATOR).list.first()


def gather(layout: Layout, selection: Selection, source: str, kind: str, config: MixConfig) -> pl.DataFrame:
    """The selected rows of one source and kind, in file order, plus `origin` (the recipe source)."""
    rows = selection.rows.filter((pl.col("origin") == source) & (pl.col("part") == kind))["row"]
    if rows.is_empty():
        return pl.DataFrame()
    lf = pl.scan_parquet(part_path(layout, source, kind)).with_row_index("__row")
    return lf.filter(pl.col("__row").is_in(rows.implode())).select(pl.lit(source).alias("origin"), *COLUMNS[kind]).collect(engine="streaming")


def render_chunk(chunk: pl.DataFrame, kind: str, base: pl.DataFrame, config: MixConfig, product: str) -> pl.DataFrame:
    """Output rows for plan records (base, format, turn, key, pos) of one kind, with KEY and POS."""
    names = pl.Series(list(config.formats) + [TEXT_FORMAT])
    plan = chunk.select(names.gather(chunk["format"]).alias("__format"), pl.col("turn").alias("__turn"), pl.col("key").alias(KEY), pl.col("pos").alias(POS))
    rows = base[chunk["base"]].with_columns(plan)
    common = dict(seed=config.seed, default_system_probability=config.default_system_probability)
    if kind == "instructions":
        out = expand_instructions(rows, config.formats, format_column="__format", turn_column="__turn", carry=[KEY, POS, "__turn"], **common)
        turn_id = pl.concat_str("id", pl.lit(TURN_SEPARATOR), pl.col("__turn").cast(pl.String))
        out = out.with_columns(pl.when(pl.col("__turn") > 0).then(turn_id).otherwise("id").alias("id"))
    elif kind == "texts":
        out = expand_texts(rows, carry=[KEY, POS])
    else:
        out = expand_preferences(rows, config.formats, format_column="__format", carry=[KEY, POS], own_system=config.dpo_system, **common)
    return out.select(*OUTPUT_COLUMNS[product], KEY, POS)
