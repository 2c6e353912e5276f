"""`benchmarks/run.py` end to end at a tiny size (in-process stages, no embedding layer): the
synthetic mirror is read by every converter, the table has every stage and both baselines, and
the rows add up (per source read rows, selection arithmetic, shard rows). No timing asserts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("observe", "read + normalize", "select + dedup + sample", "format + shard", "decontamination: candidates",
          "decontamination: embedding", "decontamination: matching", "catalog", "read -> shards", "per-row Python", "DuckDB SQL script", "incremental")


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    out = work / "result.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--rows", "1500", "--no-embedding", "--in-process", "--work", str(work / "w"), "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"table": proc.stdout, "result": json.loads(out.read_text()), "work": work / "w"}


def test_table_has_every_stage_and_the_ratio_line(bench):
    table = bench["table"]
    for stage in STAGES:
        assert stage in table, stage
    assert table.strip().splitlines()[-1].startswith("ours vs baselines")


def test_rows_add_up(bench):
    r, work = bench["result"], bench["work"]
    per_source = r["read"]["per_source"]
    assert r["read"]["rows_in"] == sum(s["rows_in"] for s in per_source.values()) > 0
    assert all(s["rows_in"] > 0 for s in per_source.values()), "every source reads its synthetic upstream files"
    normalized = sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in (work / "home" / "normalized").glob("*/[itp]*.parquet"))
    assert normalized == r["read"]["rows_out"]
    rejects = sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in (work / "home" / "normalized").glob("*/rejects.parquet"))
    assert rejects == r["read"]["dropped"] > 0, "the planted malformed records are set aside"
    for product in ("sft", "dpo"):
        manifest = json.loads((work / "home" / "output" / product / "manifest.json").read_text())
        for name, st in manifest["selection"].items():
            assert st["rows_in"] - st["decontaminated"] - st["duplicates_within"] - st["duplicates_cross"] - st["sampled_out"] == st["selected"], name
        assert sum(s["rows"] for s in manifest["shards"]) == manifest["rows"] == r["mix"]["rows_out"][product]
    assert r["decontam"]["rows"] > 0 and r["decontam"]["contaminated"] > 0, "planted benchmark items are found"
    assert r["rowwise"]["rows_in"] == r["read"]["rows_out"] and r["duckdb"]["rows_out"] > 0
