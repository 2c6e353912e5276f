"""Damaged upstream files: a damaged file fails its source with one line naming source, file and
mode; a bad record inside a good file (invalid UTF-8, a lone surrogate) is one counted reject; a
source whose records are all malformed, or that yields nothing, fails instead of building green.
Each case damages one file of a copy of the shipped samples and runs the real converter."""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
import types
from pathlib import Path

import polars as pl
import pytest

from bagel_data.reading import ReadError
from bagel_data.reading.readers import read_file
from bagel_data.settings import SAMPLES_DIR, Settings
from bagel_data.sources import SourceError, run_converter
from bagel_data.sources.base import Converted

ORCA = "Intel/orca_dpo_pairs/orca_rlhf.jsonl"
ORCA_ROWS = 21  # 22 lines, one of them malformed


@pytest.fixture
def samples_copy(tmp_path: Path) -> Path:
    mirror = tmp_path / "mirror"
    shutil.copytree(SAMPLES_DIR, mirror)
    return mirror


@pytest.fixture
def settings(samples_copy: Path, tmp_path: Path) -> Settings:
    return Settings(mode="mirror", mirror=samples_copy, home=tmp_path / "home")


def _fails(name: str, recipe, settings: Settings, error=ReadError) -> str:
    with pytest.raises(error) as err:
        run_converter(recipe.sources[name], recipe, settings)
    message = str(err.value)
    assert "\n" not in message, f"more than one line: {message}"
    assert f"source {name}" in message and "mode mirror" in message
    return message


def _outputs(name: str, recipe, settings: Settings) -> dict[str, pl.DataFrame]:
    _, tables = run_converter(recipe.sources[name], recipe, settings)
    return {part: pl.from_arrow(t) for part, t in tables.items()}


# --- damaged files fail their source ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("orca_dpo_pairs", ORCA),  # crashed with a Polars expression dump naming no file
        ("slimorca", "Open-Orca/SlimOrca-Dedup/slimorca-deduped-cleaned-corrected.jsonl"),  # built green, 0 rows
        ("mathinstruct", "TIGER-Lab/MathInstruct/MathInstruct.json"),
        ("emobank", "JULIELab/EmoBank/corpus/emobank.csv"),
        ("ai2_arc", "allenai/ai2_arc/ARC-Challenge/train-00000-of-00001.parquet"),
        ("gutenberg", "gutenberg/1342-0.txt"),
    ],
)
def test_an_empty_file_fails_its_source(name, path, recipe, settings, samples_copy):
    (samples_copy / path).write_bytes(b"")
    message = _fails(name, recipe, settings)
    assert str(samples_copy / path) in message and "empty file" in message


def test_an_empty_file_among_good_ones_still_fails(recipe, settings, samples_copy):
    path = samples_copy / "mattpscott/airoboros-summarization/expert_summarization_4096-booksum-train.jsonl"
    path.write_text("\n  \n", encoding="utf-8")  # summarization built green from its other files
    assert str(path) in _fails("summarization", recipe, settings)


def test_a_truncated_jsonl_fails_naming_the_last_line(recipe, settings, samples_copy):
    path = samples_copy / ORCA
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    message = _fails("orca_dpo_pairs", recipe, settings)
    assert str(path) in message and "truncated: the last line" in message


def test_a_truncated_json_document_fails(recipe, settings, samples_copy):
    path = samples_copy / "Squish42/bluemoon-fandom-1-1-rp-cleaned/data/pruned/bluemoon.train.json"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # bluemoon built green with 0 rows
    assert "truncated JSON" in _fails("bluemoon", recipe, settings)


def test_truncated_gzip_and_parquet_fail(recipe, settings, samples_copy):
    gz = samples_copy / "nvidia/HelpSteer/train.jsonl.gz"
    gz.write_bytes(gz.read_bytes()[:-40])
    assert "truncated gzip" in _fails("helpsteer", recipe, settings)
    parquet = samples_copy / "jondurbin/truthy-dpo-v0.1/truthy-dpo.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-100])
    assert "not a readable Parquet file" in _fails("truthy", recipe, settings)


def test_a_file_of_garbage_fails(recipe, settings, samples_copy):
    (samples_copy / ORCA).write_text("this is not json at all\n" * 30, encoding="utf-8")
    assert "no line is readable (30 malformed; first: 1: invalid JSON" in _fails("orca_dpo_pairs", recipe, settings)
    (samples_copy / ORCA).write_bytes(b"\x00\x13\xff\xfe garbage\n" * 30)
    assert "invalid UTF-8" in _fails("orca_dpo_pairs", recipe, settings)


def test_a_parquet_file_without_rows_fails(recipe, settings, samples_copy):
    path = samples_copy / "jondurbin/truthy-dpo-v0.1/truthy-dpo.parquet"
    pl.read_parquet(path).head(0).write_parquet(path)
    assert "no rows" in _fails("truthy", recipe, settings)


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "x.jsonl").mkdir()
    with pytest.raises(ValueError, match="a folder, not a file"):
        read_file(tmp_path / "x.jsonl", "x.jsonl")


def test_a_source_whose_records_are_all_malformed_fails(recipe, settings, samples_copy):
    lines = [json.dumps({"question": f"q{i}", "chosen": "", "rejected": "r"}) for i in range(5)]
    (samples_copy / ORCA).write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _fails("orca_dpo_pairs", recipe, settings, SourceError)
    assert "every one of its 5 records" in message and "malformed: empty chosen" in message and ORCA in message


def test_a_column_of_the_wrong_type_fails_in_one_line(recipe, settings, samples_copy):
    lines = [json.dumps({"question": f"q{i}", "chosen": ["a", "list"], "rejected": "r"}) for i in range(5)]
    (samples_copy / ORCA).write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _fails("orca_dpo_pairs", recipe, settings, SourceError)
    assert ORCA in message


def test_a_source_yielding_no_rows_and_no_rejects_fails(recipe, settings, monkeypatch):
    import bagel_data.sources as sources

    silent = types.SimpleNamespace(convert=lambda ctx: Converted(rows_in=ctx.read().rows.height))
    monkeypatch.setattr(sources, "converter_module", lambda spec: silent)
    message = _fails("orca_dpo_pairs", recipe, settings, SourceError)
    assert f"read {ORCA_ROWS} records" in message and "no rows and no rejects" in message and ORCA in message


def test_a_converter_crash_is_one_line_naming_the_files(recipe, settings, monkeypatch):
    import bagel_data.sources as sources

    def crash(ctx):
        ctx.read()
        return pl.DataFrame({"a": [1]}).select(pl.col("missing"))

    monkeypatch.setattr(sources, "converter_module", lambda spec: types.SimpleNamespace(convert=crash))
    message = _fails("orca_dpo_pairs", recipe, settings, SourceError)
    assert message.startswith("source orca_dpo_pairs: cannot convert ") and ORCA in message and "ColumnNotFoundError" in message


# --- one bad record is one reject ---------------------------------------------------------


def _insert_bad_byte(path: Path, line_index: int) -> None:
    lines = path.read_bytes().split(b"\n")
    line = lines[line_index]
    cut = line.index(b'": "') + 6  # inside the first string value
    lines[line_index] = line[:cut] + b"\xff" + line[cut:]
    path.write_bytes(b"\n".join(lines))


def test_invalid_utf8_in_one_jsonl_line_rejects_that_line(recipe, settings, samples_copy):
    clean = _outputs("orca_dpo_pairs", recipe, settings)
    _insert_bad_byte(samples_copy / ORCA, 3)
    out = _outputs("orca_dpo_pairs", recipe, settings)
    bad = out["rejects"].filter(pl.col("row_key") == "orca_rlhf.jsonl:4")
    assert bad["reason"].to_list() == ["malformed: invalid UTF-8 (byte 0xff at offset 14)"]
    assert "\ufffd" in bad["raw"][0]
    kept = set(clean["preferences"]["row_key"]) - {"orca_rlhf.jsonl:4"}
    assert set(out["preferences"]["row_key"]) == kept and out["rejects"].height == clean["rejects"].height + 1


def test_a_lone_surrogate_escape_rejects_that_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"q": "fine \\ud83d\\ude00"}\n{"q": "lone \\ud800 here"}\n{"q": "ok"}\n', encoding="utf-8")
    rows, rejects = read_file(path, "t.jsonl")
    assert rows["q"].to_list() == ["fine \U0001f600", "ok"] and rows["__row_key"].to_list() == ["t.jsonl:1", "t.jsonl:3"]
    assert rejects.row(0)[:2] == ("t.jsonl:2", "malformed: lone surrogate in a string (not valid Unicode)")


def test_invalid_utf8_in_one_json_array_record_rejects_that_record(recipe, settings, samples_copy):
    path = samples_copy / "TIGER-Lab/MathInstruct/MathInstruct.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    data = path.read_bytes()
    first = json.dumps(records[1]["output"], ensure_ascii=False)[1:12].encode("utf-8")
    assert data.count(first) == 1
    path.write_bytes(data.replace(first, first[:5] + b"\xff" + first[5:]))
    out = _outputs("mathinstruct", recipe, settings)
    bad = out["rejects"].filter(pl.col("row_key").str.ends_with(":1"))
    assert bad["reason"].to_list() == ["malformed: invalid UTF-8 or a lone surrogate in a string"]
    assert out["instructions"].height > 0


def test_invalid_utf8_in_one_csv_row_rejects_that_row(recipe, settings, samples_copy):
    path = samples_copy / "JULIELab/EmoBank/corpus/emobank.csv"
    clean = _outputs("emobank", recipe, settings)
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"The library", b"The \xfflibrary")
    path.write_bytes(b"\n".join(lines))
    out = _outputs("emobank", recipe, settings)
    bad = out["rejects"].filter(pl.col("reason") == "malformed: invalid UTF-8")
    assert bad["row_key"].to_list() == ["corpus/emobank.csv:4"] and "The \ufffdlibrary" in bad["raw"][0]
    assert set(out["instructions"]["row_key"]) == set(clean["instructions"]["row_key"]) - {"corpus/emobank.csv:4"}
    assert out["rejects"].height == clean["rejects"].height + 1


def test_invalid_utf8_in_one_book_paragraph_rejects_that_paragraph(recipe, settings, samples_copy):
    clean = _outputs("gutenberg", recipe, settings)
    path = samples_copy / "gutenberg/1342-0.txt"
    lines = path.read_bytes().split(b"\n")
    target = next(i for i, line in enumerate(lines) if i > 200 and len(line) > 40)
    lines[target] = lines[target][:20] + b"\xff" + lines[target][20:]
    path.write_bytes(b"\n".join(lines))
    out = _outputs("gutenberg", recipe, settings)
    bad = out["rejects"].filter(pl.col("reason") == "malformed: invalid UTF-8 in this paragraph")
    assert bad.height == 1 and bad["row_key"][0].startswith("1342-0.txt:") and "\ufffd" in bad["raw"][0]
    assert set(out["texts"]["row_key"].str.extract(r"^(\d+)-")) == set(clean["texts"]["row_key"].str.extract(r"^(\d+)-"))
    assert out["texts"].height == clean["texts"].height
    assert not out["texts"]["text"].str.contains("\ufffd").any()


def test_a_truncated_gzip_of_jsonl_read_directly(tmp_path):
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"a": 1}\n' * 1000)[:-30])
    with pytest.raises(ValueError, match="truncated gzip"):
        read_file(path, "t.jsonl.gz")


# --- untyped or missing fields (found by the property tests) -------------------------------


def _jsonl_source(name: str, recipe, samples_copy: Path, rows: list[dict]):
    """The source's spec reading `rows` as its main input (a JSONL file in the mirror)."""
    path = samples_copy / "damaged" / name / "rows.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    spec = recipe.sources[name]
    up = dataclasses.replace(spec.upstream, repo=f"damaged/{name}", config=None, data_files=("rows.jsonl",), reader="jsonl")
    return dataclasses.replace(spec, upstream=up)


def test_a_list_field_that_is_always_empty_converts(recipe, settings, samples_copy):
    row = {"id": "a", "title": "T", "context": "The lighthouse was built in 1874.", "question": "Who built it?", "answers": {"text": [], "answer_start": []}}
    spec = _jsonl_source("squad_v2", recipe, samples_copy, [row, {**row, "id": "b", "question": "When was it built?"}])
    _, tables = run_converter(spec, recipe, settings)  # crashed: list<null> has no string operations
    assert sum(tables[p].num_rows for p in ("instructions", "rejects")) == 2


@pytest.mark.parametrize(
    ("name", "rows", "reason"),
    [
        ("orca_dpo_pairs", [{"question": "q", "rejected": "r"}, {"question": "p", "rejected": "s"}], "malformed: empty chosen"),  # SchemaError
        ("helpsteer", [{"prompt": "p", "response": "r", "helpfulness": 3}] * 2, "malformed: correctness not an integer"),  # duplicate column
        ("slimorca", [{"conversations": "not a list"}] * 3, "malformed: no conversation"),  # list.eval on a string column
        ("ultrafeedback", [{"prompt": "p", "chosen": [], "rejected": [], "score_chosen": 9}] * 2, "malformed: no chosen or rejected messages"),
    ],
)
def test_fields_missing_or_untyped_in_every_row_are_malformed_records(name, rows, reason, recipe, settings, samples_copy):
    spec = _jsonl_source(name, recipe, samples_copy, rows)
    with pytest.raises(SourceError) as err:
        run_converter(spec, recipe, settings)
    assert f"every one of its {len(rows)} records" in str(err.value) and reason in str(err.value)


def test_a_csv_with_none_of_the_expected_fields_fails(recipe, settings, samples_copy):
    (samples_copy / "JULIELab/EmoBank/corpus/emobank.csv").write_text("plain text, not records\n" * 20, encoding="utf-8")
    message = _fails("emobank", recipe, settings, SourceError)  # built green: 19 rows, every one "filter: split is not train"
    assert "the records have none of the fields ['id', 'split'" in message and "emobank.csv" in message
