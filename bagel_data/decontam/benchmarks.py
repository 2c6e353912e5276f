"""Benchmark items -> the texts decontamination indexes ("views"), one extractor per benchmark kind.

A view is one way an item can show up in training data: ARC as question + lettered choices, as
question + correct answer and as the bare question, MMLU with and without its choices, MT-Bench by
its first turn, DROP as passage + question. Each view keeps its `segments` (question, each choice,
passage, ...) so n-gram shingles never straddle a boundary that a reformatting (shuffled options)
would move.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pyarrow as pa

from bagel_data import schema
from bagel_data.reading import read_upstream
from bagel_data.recipe import BenchmarkSpec
from bagel_data.settings import Settings
from bagel_data.sources.base import ROW_KEY, blank, choice_lines, has_columns, split_rejects

VIEWS = pa.schema(
    [
        pa.field("benchmark", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),  # natural id where the benchmark has one, else row key
        pa.field("view", pa.string(), nullable=False),  # e.g. "question", "question_choices"
        pa.field("text", pa.string(), nullable=False),  # the view as a model would see it (embedded)
        pa.field("segments", pa.list_(pa.string()), nullable=False),  # parts n-grams stay inside
    ]
)

LETTERS = {i: chr(ord("A") + i) for i in range(26)}


def _item_id(frame: pl.DataFrame, field: str | None) -> pl.Expr:
    if field and field in frame.columns:
        return pl.coalesce(pl.col(field).cast(pl.String), pl.col(ROW_KEY))
    return pl.col(ROW_KEY)


def _view(frame: pl.DataFrame, view: str, text: pl.Expr, segments: pl.Expr, item_id: pl.Expr) -> pl.DataFrame:
    return frame.select(item_id.alias("item_id"), pl.lit(view).alias("view"), text.alias("text"), segments.alias("segments"))


def _fields(fields: list[str], view: str, id_field: str | None = None) -> Callable[[pl.DataFrame], list[pl.DataFrame]]:
    """Extractor for items whose view is one or more text fields joined by newlines."""

    def extract(frame: pl.DataFrame) -> list[pl.DataFrame]:
        frame = has_columns(frame, *fields)
        parts = [pl.col(f).cast(pl.String).str.strip_chars() for f in fields]
        frame, _ = split_rejects(frame, [(f"malformed: empty {f}", blank(pl.col(f))) for f in fields])
        return [_view(frame, view, pl.concat_str(parts, separator="\n"), pl.concat_list(parts), _item_id(frame, id_field))]

    return extract


def _first_turn(frame: pl.DataFrame) -> list[pl.DataFrame]:
    frame = has_columns(frame, "turns").with_columns(pl.col("turns").list.first().cast(pl.String).str.strip_chars().alias("__turn1"))
    frame = frame.filter(~blank(pl.col("__turn1")))
    return [_view(frame, "turn1", pl.col("__turn1"), pl.concat_list(pl.col("__turn1")), _item_id(frame, "question_id"))]


def _multiple_choice(frame: pl.DataFrame, labels: pl.Expr, texts: pl.Expr, answer: pl.Expr, id_field: str | None, *, with_answer: bool, question_only: bool) -> list[pl.DataFrame]:
    """Question + lettered choices, and optionally question + correct answer and the bare question."""
    frame = choice_lines(frame, labels, texts, answer).with_columns(
        pl.col("question").cast(pl.String).str.strip_chars().alias("__q"), texts.cast(pl.List(pl.String)).alias("__choices")
    )
    frame = frame.filter(~blank(pl.col("__q")) & pl.col("n_choices").is_not_null())
    item_id = _item_id(frame, id_field)
    views = [
        _view(frame, "question_choices", pl.col("__q") + "\n" + pl.col("choices_block"), pl.concat_list(pl.col("__q"), pl.col("__choices")), item_id),
    ]
    if with_answer:
        answered = frame.filter(pl.col("answer_text").is_not_null())
        text = pl.col("__q") + "\n" + pl.col("answer_text")
        views.append(_view(answered, "question_answer", text, pl.concat_list(pl.col("__q"), pl.col("answer_text")), _item_id(answered, id_field)))
    if question_only:
        views.append(_view(frame, "question", pl.col("__q"), pl.concat_list(pl.col("__q")), item_id))
    return views


def _arc(frame: pl.DataFrame) -> list[pl.DataFrame]:
    frame = has_columns(frame, "id", "question", "choices", "answerKey")
    choices = pl.col("choices")
    return _multiple_choice(frame, choices.struct.field("label"), choices.struct.field("text"), pl.col("answerKey"), "id", with_answer=True, question_only=True)


def _mmlu(frame: pl.DataFrame) -> list[pl.DataFrame]:
    frame = has_columns(frame, "question", "choices", "answer")
    labels = pl.col("choices").list.eval(pl.int_range(pl.len()).replace_strict(LETTERS, default="?"))
    answer = pl.col("answer").cast(pl.Int64, strict=False).replace_strict(LETTERS, default=None, return_dtype=pl.String)
    return _multiple_choice(frame, labels, pl.col("choices"), answer, None, with_answer=False, question_only=True)


EXTRACTORS: dict[str, Callable[[pl.DataFrame], list[pl.DataFrame]]] = {
    "alpaca_eval": _fields(["instruction"], "instruction"),
    "mt_bench": _first_turn,
    "drop": _fields(["passage", "question"], "passage_question", "query_id"),
    "winogrande": _fields(["sentence"], "sentence"),
    "mmlu": _mmlu,
    "truthfulqa": _fields(["question"], "question"),
    "gsm8k": _fields(["question"], "question"),
    "arc_challenge": _arc,
    "humaneval": _fields(["prompt"], "prompt", "task_id"),
}


def extractor_for(spec: BenchmarkSpec) -> Callable[[pl.DataFrame], list[pl.DataFrame]]:
    """The recipe may name the kind (`options.kind`) or, for a new benchmark, its `text_fields`."""
    if spec.options.get("text_fields"):
        return _fields(list(spec.options["text_fields"]), str(spec.options.get("view", "text")), spec.options.get("id_field"))
    kind = spec.options.get("kind", spec.name)
    if kind not in EXTRACTORS:
        raise ValueError(f"benchmark {spec.name!r}: unknown kind {kind!r}; set options.kind to one of {sorted(EXTRACTORS)} or options.text_fields")
    return EXTRACTORS[kind]


def extract_views(spec: BenchmarkSpec, rows: pl.DataFrame) -> pl.DataFrame:
    """All views of one benchmark's upstream rows, conformed to VIEWS, in a stable order."""
    frames = [f for f in extractor_for(spec)(rows) if f.height]
    if not frames:
        return pl.from_arrow(schema.empty(VIEWS))
    out = pl.concat(frames).with_columns(pl.lit(spec.name).alias("benchmark"))
    out = out.unique(subset=["item_id", "view"], keep="first", maintain_order=True)
    return pl.from_arrow(schema.conform(out, VIEWS, f"benchmark {spec.name} views"))


def read_benchmark(spec: BenchmarkSpec, settings: Settings) -> tuple[pl.DataFrame, int, list[str]]:
    """(views, upstream row count, files read) of one benchmark: its main upstream and every extra input."""
    inputs = {"main": spec.upstream, **spec.inputs}
    raws = [read_upstream(up, settings, f"benchmark {spec.name}" + ("" if k == "main" else f" (input {k})")) for k, up in inputs.items()]
    frames = [r.rows for r in raws if r.rows.height]
    rows = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame({ROW_KEY: []}, schema={ROW_KEY: pl.String})
    return extract_views(spec, rows), rows.height, [f for r in raws for f in r.files]
