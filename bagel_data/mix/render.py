"""Gather the selected normalized rows (Arrow-backed Polars frames, one per kind) and render
chunks of the shuffled plan into output rows with the prompt formats of `bagel_data.formats`.

Only the base rows are held in memory; output rows (each a base row in one format, at one
assistant turn, history included) exist one chunk at a time. Output ids: the base row id, and
for the 2nd, 3rd, ... assistant turn of a multi-turn conversation `<id>#<turn>` (turn counted
from 0), so (id, format) is unique per training row and `base_id` recovers the row id.
"""

from __future__ import annotations

import polars as pl

from bagel_data import schema
from bagel_data.formats.expand import default_system_flags, expand_instructions, expand_preferences, expand_texts
from bagel_data.mix.config import MixConfig
from bagel_data.mix.plan import KINDS, TEXT_FORMAT
from bagel_data.mix.select import Selection, ordered_sources, part_path
from bagel_data.recipe import Recipe
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


def gather(recipe: Recipe, layout: Layout, selection: Selection, kind: str, config: MixConfig) -> pl.DataFrame:
    """The selected rows of one kind, source by source in selection order, plus `origin`
    (recipe source) and the per-row default-system coin."""
    frames = []
    for spec in ordered_sources(recipe):
        rows = selection.rows.filter((pl.col("origin") == spec.name) & (pl.col("part") == kind))["row"]
        if rows.is_empty():
            continue
        lf = pl.scan_parquet(part_path(layout, spec.name, kind)).with_row_index("__row")
        picked = lf.filter(pl.col("__row").is_in(rows.implode())).select(pl.lit(spec.name).alias("origin"), *COLUMNS[kind])
        frames.append(picked.collect(engine="streaming"))
    if not frames:
        schema = {"origin": pl.String} | {c: t for c, t in _normalized_schema(kind).items() if c in COLUMNS[kind]}
        return pl.DataFrame(schema=schema).with_columns(pl.lit(False).alias("__default_system"))
    base = pl.concat(frames)
    if kind == "texts":
        return base
    return base.with_columns(default_system_flags(base["id"], config.seed, config.default_system_probability))


def _normalized_schema(kind: str) -> dict:
    return dict(pl.from_arrow(schema.NORMALIZED[kind].empty_table()).schema)


def render_chunk(chunk: pl.DataFrame, bases: dict[str, pl.DataFrame], config: MixConfig, product: str) -> pl.DataFrame:
    """Output rows for a slice of the shuffled plan (kind, base, format, turn), in plan order."""
    names = pl.Series(list(config.formats) + [TEXT_FORMAT])
    chunk = chunk.with_row_index("__pos").with_columns(names.gather(chunk["format"]).alias("__format"))
    parts = []
    for code, kind in enumerate(KINDS):
        sub = chunk.filter(pl.col("kind") == code)
        if sub.is_empty():
            continue
        rows = bases[kind][sub["base"]].with_columns(sub.select("__format", "__pos", pl.col("turn").alias("__turn")))
        common = dict(seed=config.seed, default_system_probability=config.default_system_probability)
        if kind == "instructions":
            out = expand_instructions(rows, config.formats, format_column="__format", turn_column="__turn", carry=["__pos", "__turn"], **common)
            out = out.with_columns(
                pl.when(pl.col("__turn") > 0).then(pl.concat_str("id", pl.lit(TURN_SEPARATOR), pl.col("__turn").cast(pl.String))).otherwise("id").alias("id")
            )
        elif kind == "texts":
            out = expand_texts(rows, carry=["__pos"])
        else:
            out = expand_preferences(rows, config.formats, format_column="__format", carry=["__pos"], **common)
        parts.append(out.select(*OUTPUT_COLUMNS[product], "__pos"))
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts).sort("__pos").drop("__pos")
