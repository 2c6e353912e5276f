"""The whole Definitions materialized on the shipped samples, in a tmp data home: every source
asset, benchmarks, decontamination, the SFT/DPO shards with manifests, and the DuckDB catalog.
A second full build must give byte-identical shards and manifests."""

from __future__ import annotations

import hashlib
import json

import dagster as dg
import duckdb
import polars as pl
import pytest

from bagel_data.definitions import build_definitions
from bagel_data.recipe import load_recipe
from bagel_data.storage import Layout


def _materialize_all(home, monkeypatch):
    monkeypatch.setenv("BAGEL_DATA_HOME", str(home))
    monkeypatch.setenv("BAGEL_DATA_MODE", "samples")
    monkeypatch.delenv("BAGEL_DATA_MIRROR", raising=False)
    defs = build_definitions(load_recipe())
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)
    assert result.success
    return defs, result


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("e2e") / "home"
    try:
        defs, result = _materialize_all(home, mp)
        first = {p: _digests(Layout(home).output(p)) for p in ("sft", "dpo")}
        _materialize_all(home, mp)
        second = {p: _digests(Layout(home).output(p)) for p in ("sft", "dpo")}
    finally:
        mp.undo()
    return {"home": home, "defs": defs, "result": result, "first": first, "second": second}


def test_every_enabled_source_has_an_asset_with_row_counts(built):
    recipe = load_recipe()
    keys = built["defs"].resolve_asset_graph().get_all_asset_keys()
    for spec in recipe.enabled_sources():
        assert dg.AssetKey(["sources", spec.name]) in keys
    mats = {
        tuple(e.asset_key.path): e.step_materialization_data.materialization.metadata
        for e in built["result"].get_asset_materialization_events()
    }
    for spec in recipe.enabled_sources():
        meta = mats[("sources", spec.name)]
        assert meta["dagster/row_count"].value > 0, f"source {spec.name} produced no rows on the samples"


def test_sft_and_dpo_shards(built):
    layout = Layout(built["home"])
    sft = pl.read_parquet(layout.output("sft") / "*.parquet")
    dpo = pl.read_parquet(layout.output("dpo") / "*.parquet")
    assert sft.columns == ["id", "source", "format", "prompt", "completion", "messages"]
    assert dpo.columns == ["id", "source", "format", "prompt", "chosen", "rejected"]
    assert sft.height > 0 and dpo.height > 0
    assert (sft["completion"].str.strip_chars().str.len_chars() > 0).all()
    assert (dpo["chosen"] != dpo["rejected"]).all()
    assert sft.select(["id", "format", "prompt"]).is_duplicated().sum() == 0
    chat = sft.filter(pl.col("format") != "text")
    assert set(chat["format"].unique()) == {"alpaca", "vicuna", "chatml", "llama2"}
    per_row = chat.group_by("source", "id").agg(pl.col("format").n_unique().alias("n"), pl.len().alias("rows"))
    assert (per_row["n"] == 3).all() and (per_row["rows"] == 3).all(), "every instruction in 3 of the 4 formats (the v0.2 code's 75% chunks)"
    per_format = chat.group_by("format").len()["len"]
    n = chat.height / 3  # row-turns, each in 3 formats
    assert (abs(per_format - 0.75 * n) <= 4 * (n * 0.75 * 0.25) ** 0.5).all(), "each format covers about 3/4 of the rows (a coin per row)"


def test_manifests_match_shards(built):
    for product in ("sft", "dpo"):
        folder = Layout(built["home"]).output(product)
        manifest = json.loads((folder / "manifest.json").read_text())
        shards = manifest["shards"]
        assert shards, f"{product} manifest lists no shards"
        for shard in shards:
            path = folder / shard["path"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == shard["sha256"]
            assert pl.read_parquet(path).height == shard["rows"]


def test_rebuild_is_byte_identical(built):
    assert built["first"] == built["second"]
    assert built["first"]["sft"], "no shard files compared"


def test_duckdb_catalog_views(built):
    layout = Layout(built["home"])
    con = duckdb.connect(str(layout.duckdb_path), read_only=True)
    try:
        per_source = dict(con.execute("select source, count(*) from sft group by source").fetchall())
        assert per_source and all(n > 0 for n in per_source.values())
        total = con.execute("select count(*) from sft").fetchone()[0]
        sft = pl.read_parquet(layout.output("sft") / "*.parquet")
        assert total == sft.height
        assert con.execute("select count(*) from dpo").fetchone()[0] > 0
    finally:
        con.close()
