"""cinematika (jondurbin/cinematika-v0.1): movie-script derived roleplay data, one parquet file per
kind, each read as its own recipe input.

Instruction files (input, output): the main upstream (prompt_to_character_card) and the inputs
rp_to_character_card, scene_summary and scene_enhancement; each row is one exchange, its file
name the `category`. Text inputs `scene_by_scene` and `plain_full_script` (one column named like
the file) become plain-text rows. "[scene]" markers (option `marker_pattern`) are stripped
everywhere. Reading file by file keeps the category right in hub mode too, where row keys do not
name the file.

Dedup as in the original bagel code: repeated scene_by_scene texts keep the first; instruction
rows and full scripts are not deduplicated (repeats keep fresh ids; option `dedupe: true` keeps
the first of every repeated instruction and text).
"""

from __future__ import annotations

from pathlib import PurePosixPath

import polars as pl

from bagel_data.recipe import Upstream
from bagel_data.sources.base import (
    Converted,
    SourceContext,
    blank,
    finish_instructions,
    finish_texts,
    has_columns,
    reading_rejects,
    single_turn,
    split_rejects,
)
from bagel_data.sources.dedupe import dedupe, keep_first_id

MARKER_PATTERN = r"\[scene\]\s*"
TEXT_INPUTS = ("scene_by_scene", "plain_full_script")


def file_kind(up: Upstream, input_name: str) -> str:
    """The name of the input's data file without extension (the input name if it has none)."""
    return PurePosixPath(up.data_files[0]).name.split(".")[0] if up.data_files else input_name


def without_markers(column: str, pattern: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.replace_all(pattern, "")


def instruction_rows(ctx: SourceContext, input_name: str, marker: str) -> tuple[int, pl.DataFrame, list[pl.DataFrame]]:
    data = ctx.read(input_name)
    user, assistant = without_markers("input", marker), without_markers("output", marker)
    frame = has_columns(data.rows, "input", "output").with_columns(single_turn(user, assistant))
    kept, rejects = split_rejects(frame, [("malformed: empty input", blank(user)), ("malformed: empty output", blank(assistant))])
    category = pl.lit(file_kind(ctx.upstream_of(input_name), input_name))
    rows = finish_instructions(kept, ctx, category=category, input_name=input_name)
    return data.rows.height + reading_rejects(data).height, rows, [reading_rejects(data), rejects]


def text_rows(ctx: SourceContext, input_name: str, marker: str) -> tuple[int, pl.DataFrame, list[pl.DataFrame]]:
    data = ctx.read(input_name)
    frame = has_columns(data.rows, input_name).with_columns(without_markers(input_name, marker).alias("text"))
    kept, rejects = split_rejects(frame, [(f"malformed: empty {input_name}", blank(pl.col("text")))])
    return data.rows.height + reading_rejects(data).height, finish_texts(kept, ctx, input_name=input_name), [reading_rejects(data), rejects]


def convert(ctx: SourceContext) -> Converted:
    marker = str(ctx.options.get("marker_pattern", MARKER_PATTERN))
    instruction_inputs = ["main", *(name for name in ctx.spec.inputs if name not in TEXT_INPUTS)]
    rows_in, instructions, texts, rejects = 0, [], [], []
    for name in instruction_inputs:
        count, rows, bad = instruction_rows(ctx, name, marker)
        rows_in, instructions, rejects = rows_in + count, [*instructions, rows], [*rejects, *bad]
    for name in TEXT_INPUTS:
        count, rows, bad = text_rows(ctx, name, marker)
        if name == "scene_by_scene":
            rows, repeated_scenes = keep_first_id(rows, "filter: duplicate text")
            bad = [*bad, repeated_scenes]
        rows_in, texts, rejects = rows_in + count, [*texts, rows], [*rejects, *bad]
    instructions, duplicates = dedupe(pl.concat(instructions), ctx, "filter: duplicate instruction", default=False)
    texts, text_duplicates = dedupe(pl.concat(texts), ctx, "filter: duplicate text", default=False)
    return Converted(rows_in=rows_in, instructions=instructions, texts=texts, rejects=[*rejects, duplicates, text_duplicates])
