"""HumanEval guard: shipped samples, and the real HumanEval test file laid out as a hub mirror."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.sources.guards import REASON
from bagel_data_tests.helpers import convert

ALPACA = Path("Vezora") / "Tested-22k-Python-Alpaca" / "188k-Vezora-PyCode-Alpaca.json"


def layout_real_humaneval(realdata: Path, mirror: Path) -> list[dict]:
    """Write realdata's HumanEval.jsonl.gz as the hub's openai_humaneval test parquet; return its rows."""
    rows = [json.loads(line) for line in gzip.decompress((realdata / "humaneval" / "HumanEval.jsonl.gz").read_bytes()).decode().splitlines()]
    target = mirror / "openai" / "openai_humaneval" / "openai_humaneval" / "test-00000-of-00001.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), target)
    return rows


def write_alpaca(mirror: Path, rows: list[dict]) -> None:
    path = mirror / ALPACA
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows), encoding="utf-8")


def test_guard_on_samples_both_directions_and_short_solutions(sample_settings):
    parts = convert("python_alpaca", sample_settings, options={"humaneval_match": "normalized", "humaneval_min_chars": 40})
    guarded = parts["rejects"].filter(pl.col("reason") == REASON)["row_key"].to_list()
    # 20: contains a canonical solution (re-indented); 21: equals one; 22: a 47-char piece of one
    assert guarded == [f"188k-Vezora-PyCode-Alpaca.json:{i}" for i in (20, 21, 22)]
    kept = parts["instructions"]["row_key"].to_list()
    assert "188k-Vezora-PyCode-Alpaca.json:10" in kept, "'return a + b' is below humaneval_min_chars and must be kept"


def test_guard_off_keeps_those_rows(sample_settings):
    parts = convert("python_alpaca", sample_settings, filters={"refusal": True})
    assert REASON not in parts["rejects"]["reason"].to_list()
    assert parts["instructions"].height == 16 + 3


def test_real_humaneval_guard(realdata, mirror, mirror_settings):
    humaneval = layout_real_humaneval(realdata, mirror)
    assert len(humaneval) == 164
    by_id = {r["task_id"]: r for r in humaneval}
    exact = by_id["HumanEval/0"]["prompt"] + by_id["HumanEval/0"]["canonical_solution"]
    reflowed = "def f(l):\n\t" + "\n\t".join(line.strip() for line in by_id["HumanEval/12"]["canonical_solution"].splitlines() if line.strip())
    piece = next(l.strip() for l in by_id["HumanEval/10"]["canonical_solution"].splitlines() if "while not" in l)
    trivial = by_id["HumanEval/53"]["canonical_solution"]  # "    return x + y\n"
    write_alpaca(
        mirror,
        [
            {"instruction": "Check whether two numbers are closer than a threshold.", "input": "", "output": f"```python\n{exact}```"},
            {"instruction": "Find the longest string.", "input": "", "output": reflowed},
            {"instruction": "Begin a palindrome helper.", "input": "", "output": piece},
            {"instruction": "Add two numbers.", "input": "", "output": trivial},
            {"instruction": "Print the squares of 1 to 10.", "input": "", "output": "for i in range(1, 11):\n    print(i * i)"},
        ],
    )
    assert len(piece) >= 40 and piece in by_id["HumanEval/10"]["canonical_solution"]
    # the original's exact substring tests: the trivial solution counts, the re-indented one does not
    parts = convert("python_alpaca", mirror_settings)
    assert parts["rejects"].sort("row_key")["reason"].to_list() == [REASON, REASON, REASON]
    assert parts["instructions"]["conversation"].list.first().struct.field("content").to_list() == ["Find the longest string.", "Print the squares of 1 to 10."]
    # humaneval_match: normalized collapses whitespace and ignores solutions under humaneval_min_chars
    options = {"humaneval_match": "normalized", "humaneval_min_chars": 40}
    parts = convert("python_alpaca", mirror_settings, options=options)
    assert parts["rejects"].sort("row_key")["reason"].to_list() == [REASON, REASON, REASON]
    assert parts["instructions"]["conversation"].list.first().struct.field("content").to_list() == ["Add two numbers.", "Print the squares of 1 to 10."]
