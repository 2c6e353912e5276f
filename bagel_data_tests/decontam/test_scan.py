"""`bagel-data scan`: a JSONL/Parquet training file checked against the sample benchmarks, the
report written with the pipeline's columns, the handler's exit codes and messages."""

from __future__ import annotations

import argparse
import json

import polars as pl
import pytest

from bagel_data.decontam import scan
from bagel_data.decontam.report import REPORT

ROWS = [
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "did VIKINGS wear horned helmets"}, {"role": "assistant", "content": "No."}]},
    {"messages": [{"role": "user", "content": "Write a sonnet about the sea."}, {"role": "assistant", "content": "..."}]},
    {"messages": [{"role": "user", "content": "Homework help please: Omar walks 2 km to school and 2 km back home every weekday. How many kilometres does he walk in 3 weeks? Show your work."}]},
    {"messages": [{"role": "user", "content": "Which instrument is used to measure air pressure?\nA. barometer\nB. anemometer\nC. hygrometer\nD. rain gauge"}]},
]


@pytest.fixture
def samples_env(monkeypatch, home):
    monkeypatch.setenv("BAGEL_DATA_MODE", "samples")
    monkeypatch.setenv("BAGEL_DATA_HOME", str(home))
    monkeypatch.delenv("BAGEL_DATA_MIRROR", raising=False)


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{not json\n", encoding="utf-8")
    return path


def test_run_scan_on_jsonl_messages(tmp_path, samples_env):
    source = _write_jsonl(tmp_path / "train.jsonl", ROWS)
    summary = scan.run_scan(source, tmp_path / "out" / "report.parquet")
    report = pl.read_parquet(tmp_path / "out" / "report.parquet")
    assert report.columns == REPORT.names
    assert summary["rows"] == 4 and summary["text_field"] == "messages"
    assert summary["skipped"] == {"count": 1, "first_lines": [5], "reasons": {"malformed: invalid JSON (Expecting property name enclosed in double quotes)": 1}}
    found = dict(zip(report["row_key"], report["benchmark"]))
    assert found == {"train.jsonl:1": "truthfulqa", "train.jsonl:3": "gsm8k", "train.jsonl:4": "arc_challenge"}
    assert summary["contaminated_rows"] == 3 and summary["by_benchmark"] == {"arc_challenge": 1, "gsm8k": 1, "truthfulqa": 1}
    first = report.filter(pl.col("row_key") == "train.jsonl:1").row(0, named=True)
    assert first["train_text"] == "Be brief.\n\ndid VIKINGS wear horned helmets" and first["method"] == "ngram"
    assert first["benchmark_text"] == "Did Vikings wear horned helmets?" and first["source"] == "train.jsonl"


def test_parquet_with_text_field_and_alpaca_input(tmp_path, samples_env):
    frame = pl.DataFrame(
        {
            "instruction": ["Answer the question below.", "Summarize the text."],
            "input": ["What color is the Sun when viewed from space?", "The cat sat on the mat."],
            "body": ["nothing to see", "Give me three tips for keeping houseplants alive, please"],
        }
    )
    frame.write_parquet(tmp_path / "train.parquet")
    auto = scan.run_scan(tmp_path / "train.parquet", tmp_path / "a.parquet")
    assert auto["text_field"] == "instruction" and auto["by_benchmark"] == {"truthfulqa": 1}
    named = scan.run_scan(tmp_path / "train.parquet", tmp_path / "b.parquet", text_field="body")
    assert named["by_benchmark"] == {"alpaca_eval": 1}


def _args(**kw):
    parser = argparse.ArgumentParser()
    scan.add_parser(parser.add_subparsers())
    argv = ["scan", kw.pop("input"), "--report", kw.pop("report")] + [x for k, v in kw.items() for x in (f"--{k.replace('_', '-')}", v)]
    return parser.parse_args(argv)


def test_handler_prints_summary_and_exits_zero(tmp_path, samples_env, capsys):
    source = _write_jsonl(tmp_path / "train.jsonl", ROWS)
    args = _args(input=str(source), report=str(tmp_path / "r.parquet"))
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "scanned 4 rows" in out and "contaminated rows: 3" in out and "truthfulqa: 1" in out


def test_handler_clear_errors(tmp_path, samples_env, capsys):
    missing = _args(input=str(tmp_path / "nope.jsonl"), report=str(tmp_path / "r.parquet"))
    assert missing.handler(missing) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    broken = _args(input=str(tmp_path / "broken.parquet"), report=str(tmp_path / "r.parquet"))
    assert broken.handler(broken) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("hello")
    wrong = _args(input=str(tmp_path / "notes.txt"), report=str(tmp_path / "r.parquet"))
    assert wrong.handler(wrong) == 2
    assert "neither JSONL nor Parquet" in capsys.readouterr().err
    _write_jsonl(tmp_path / "t.jsonl", ROWS)
    field = _args(input=str(tmp_path / "t.jsonl"), report=str(tmp_path / "r.parquet"), text_field="prompt")
    assert field.handler(field) == 2
    assert "no text field prompt" in capsys.readouterr().err
    no_mirror = _args(input=str(tmp_path / "t.jsonl"), report=str(tmp_path / "r.parquet"), mirror=str(tmp_path / "no-mirror"))
    assert no_mirror.handler(no_mirror) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"error: mirror folder {tmp_path / 'no-mirror'} does not exist (BAGEL_DATA_MIRROR or --mirror, mode mirror)"]
    assert not (tmp_path / "r.parquet").exists()


def test_each_record_uses_the_field_it_has(tmp_path, samples_env):
    rows = [
        {"conversations": [{"from": "human", "value": "Did Vikings wear horned helmets?"}, {"from": "gpt", "value": "No."}]},
        {"instruction": "What color is the Sun when viewed from space?", "output": "White."},
        {"prompt": "Tell me a joke about cats."},
    ]
    source = tmp_path / "mixed.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = scan.run_scan(source, tmp_path / "r.parquet")
    assert summary["rows"] == 3 and summary["text_field"] == "instruction / prompt / conversations"
    assert summary["skipped"]["count"] == 0 and summary["without_text"] == 0
    report = pl.read_parquet(tmp_path / "r.parquet")
    assert dict(zip(report["row_key"], report["method"])) == {"mixed.jsonl:1": "exact", "mixed.jsonl:2": "exact"}



def test_skipped_lines_are_reported_and_record_ids_carried(tmp_path, samples_env, capsys):
    """Malformed lines used to vanish silently; the report keyed rows by line even when the
    records carry their own id."""
    lines = [
        json.dumps({"id": "rec-vikings", **ROWS[0]}),
        "{not json",
        json.dumps({"id": 17, **ROWS[2]}),
        "[1, 2]",
        json.dumps(ROWS[3]),  # no id: keyed by file and line
        json.dumps({"id": "no-text", "messages": []}),
        '{"id": "truncated',
    ]
    source = tmp_path / "ids.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = _args(input=str(source), report=str(tmp_path / "r.parquet"))
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "scanned 3 rows" in out and "skipped 1 records with no text" in out
    assert "skipped 3 malformed lines (lines 2, 4, 7; malformed: JSON line is not an object: 1; malformed: invalid JSON" in out
    report = pl.read_parquet(tmp_path / "r.parquet")
    assert dict(zip(report["row_key"], report["benchmark"])) == {"rec-vikings": "truthfulqa", "17": "gsm8k", "ids.jsonl:5": "arc_challenge"}


def test_scan_writes_the_review_pairs_next_to_the_report(tmp_path, samples_env):
    source = _write_jsonl(tmp_path / "train.jsonl", ROWS)
    summary = scan.run_scan(source, tmp_path / "out" / "report.parquet")
    review_path = tmp_path / "out" / "report.review.parquet"
    assert summary["review"] == str(review_path) and review_path.is_file()
    from bagel_data.decontam.report import REVIEW

    review = pl.read_parquet(review_path)
    assert review.columns == REVIEW.names and review.height == summary["review_pairs"]


def test_union_of_units_treats_a_missing_review_as_empty(tmp_path):
    """A unit written before the review table existed (matches.parquet, no review.parquet)
    contributes no borderline pairs; a unit without matches is still an error."""
    import pyarrow.parquet as pq
    import pytest

    from bagel_data.decontam.report import REPORT, REVIEW
    from bagel_data.decontam.run import union_outputs, unit_dir
    from bagel_data.storage import Layout

    layout = Layout(tmp_path)
    for name in ("old", "new"):
        unit_dir(layout, name).mkdir(parents=True)
        pq.write_table(REPORT.empty_table(), unit_dir(layout, name) / "matches.parquet")
    pq.write_table(REVIEW.empty_table(), unit_dir(layout, "new") / "review.parquet")
    review, path = union_outputs(layout, ["old", "new"], "review")
    assert review.height == 0 and pl.read_parquet(path).columns == REVIEW.names
    matches, _ = union_outputs(layout, ["old", "new"], "matches")
    assert matches.height == 0
    with pytest.raises(FileNotFoundError):
        union_outputs(layout, ["old", "missing"], "review")
