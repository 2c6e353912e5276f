"""The DuckDB catalog: views over whatever outputs exist (typed empty views otherwise), counts that
match the Parquet files, the analyst queries of the README, and paths that work from the project
root (relative) or anywhere through `catalog.connect`."""

from __future__ import annotations

import json

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from bagel_data import catalog, schema
from bagel_data.sources import build_source
from bagel_data.storage import Layout, write_json, write_parquet


@pytest.fixture
def built_home(ops_env, tmp_path):
    """Two real sources built from the samples into a tmp home."""
    from bagel_data.settings import Settings

    settings = Settings(mode="samples", mirror=ops_env["mirror"], home=tmp_path / "home")
    recipe = ops_env["recipe"]
    results = {name: build_source(recipe.sources[name], recipe, settings) for name in ("ai2_arc", "arc_validation")}
    return settings.home, results


def _write_mix(home, rows_sft: pl.DataFrame) -> None:
    layout = Layout(home)
    write_parquet(schema.conform(rows_sft, schema.SFT_OUTPUT), layout.output("sft") / "part-00000.parquet")
    counts = rows_sft.group_by("source", "format").len().sort("source", "format")
    by_source = {}
    for source, fmt, n in counts.iter_rows():
        by_source.setdefault(source, {})[fmt] = n
    write_json({"product": "sft", "rows": rows_sft.height, "rows_by_source_format": by_source}, layout.output("sft") / "manifest.json")


def _sft_rows() -> pl.DataFrame:
    turns = [[{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]] * 3
    return pl.DataFrame({
        "id": ["1", "1", "2"], "source": ["ai2_arc", "ai2_arc", "boolq"], "format": ["alpaca", "chatml", "alpaca"],
        "prompt": ["p1", "p1b", "p2"], "completion": ["c1", "c1", "c2"], "messages": turns,
    })


def test_empty_home_gives_typed_empty_views(tmp_path):
    home = tmp_path / "home"
    statuses = {s.name: s for s in catalog.refresh(home)}
    assert statuses["instructions"].state == "empty" and statuses["sft"].state == "empty"
    assert statuses["contamination_summary"].state == "missing"  # no fixed schema, nothing to show
    with catalog.connect(home / "bagel.duckdb") as con:
        assert con.execute("select count(*) from instructions").fetchone() == (0,)
        columns = [r[0] for r in con.execute("describe sft").fetchall()]
        assert columns == schema.SFT_OUTPUT.names + ["shard"]
        assert [r[0] for r in con.execute("describe instructions").fetchall()] == schema.INSTRUCTION.names + ["source_asset"]
        assert con.execute("select count(*) from contamination_matches").fetchone() == (0,)
        assert con.execute("select count(*) from mix_rows").fetchone() == (0,)
        listed = dict(con.execute("select view, state from catalog").fetchall())
    assert listed == {name: s.state for name, s in statuses.items()}


def test_views_count_what_the_parquet_files_hold(built_home):
    home, results = built_home
    catalog.refresh(home)
    layout = Layout(home)
    with catalog.connect(layout.duckdb_path) as con:
        per_source = dict(con.execute("select source_asset, count(*) from instructions group by 1").fetchall())
        assert per_source == {name: r.rows_out["instructions"] for name, r in results.items()}
        assert per_source["ai2_arc"] == pq.read_metadata(layout.normalized("ai2_arc", "instructions")).num_rows
        reasons = dict(con.execute("select reason, count(*) from rejects where source = 'ai2_arc' group by 1").fetchall())
        assert reasons == results["ai2_arc"].dropped
        assert all(r.startswith(("malformed: ", "filter: ")) for r in reasons)
        counts = con.execute("select part, rows from source_counts where source_asset = 'ai2_arc' order by part").fetchall()
        assert ("instructions", results["ai2_arc"].rows_out["instructions"]) in counts
        turns = con.execute("select avg(len(conversation)) from instructions").fetchone()[0]
        assert turns == 2.0  # ARC rows are one user + one assistant turn


def test_new_source_files_appear_without_refresh(built_home, ops_env):
    home, results = built_home
    catalog.refresh(home)
    from bagel_data.settings import Settings

    recipe = ops_env["recipe"]
    build_source(recipe.sources["python_alpaca"], recipe, Settings(mode="samples", mirror=ops_env["mirror"], home=home))
    with catalog.connect(home / "bagel.duckdb") as con:
        names = {r[0] for r in con.execute("select distinct source_asset from instructions").fetchall()}
    assert names == {"ai2_arc", "arc_validation", "python_alpaca"}


def test_shards_manifests_and_contamination_views(tmp_path):
    home = tmp_path / "home"
    _write_mix(home, _sft_rows())
    matches = pl.DataFrame({
        "train_id": ["1", "2", "3"], "source": ["ai2_arc", "ai2_arc", "boolq"], "benchmark": ["arc_challenge", "mmlu", "mmlu"],
        "benchmark_id": ["a", "b", "c"], "method": ["ngram", "embedding", "ngram"], "score": [1.0, 0.93, 0.8],
        "train_text": ["t1", "t2", "t3"], "benchmark_text": ["b1", "b2", "b3"],
    })
    write_parquet(matches.to_arrow(), Layout(home).decontam_dir / "matches.parquet")
    write_parquet(pl.DataFrame({"benchmark": ["mmlu"], "source": ["boolq"], "matches": [1]}).to_arrow(), Layout(home).decontam_dir / "summary.parquet")
    statuses = {s.name: s.state for s in catalog.refresh(home)}
    assert statuses["sft"] == statuses["manifests"] == statuses["contamination_summary"] == "files"
    assert statuses["dpo"] == "empty"
    with catalog.connect(home / "bagel.duckdb") as con:
        assert con.execute("select source, format, count(*) from sft group by all order by all").fetchall() == [
            ("ai2_arc", "alpaca", 1), ("ai2_arc", "chatml", 1), ("boolq", "alpaca", 1)]
        assert con.execute("select distinct shard from sft").fetchall() == [("part-00000",)]
        assert con.execute("select product, manifest->>'rows' from manifests").fetchall() == [("sft", "3")]
        assert con.execute("select * from mix_rows").fetchall() == [
            ("sft", "ai2_arc", "alpaca", 1), ("sft", "ai2_arc", "chatml", 1), ("sft", "boolq", "alpaca", 1)]
        by_benchmark = con.execute("select benchmark, count(*) from contamination_matches group by 1 order by 1").fetchall()
        assert by_benchmark == [("arc_challenge", 1), ("mmlu", 2)]
        assert con.execute("select matches from contamination_summary").fetchall() == [(1,)]


def test_paths_are_relative_to_the_project_root_when_home_is_inside(tmp_path, monkeypatch):
    root = tmp_path / "project"
    home = root / "data"
    _write_mix(home, _sft_rows())
    catalog.refresh(home, root=root)
    db = home / "bagel.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        sql = con.execute("select sql from duckdb_views() where view_name = 'sft'").fetchone()[0]
    assert "'data/output/sft/part-*.parquet'" in sql and str(tmp_path) not in sql

    monkeypatch.chdir(root)  # an analyst opening the file from the project root
    with duckdb.connect("data/bagel.duckdb", read_only=True) as con:
        assert con.execute("select count(*) from sft").fetchone() == (3,)

    moved = tmp_path / "moved"  # the checkout moved: still works, from anywhere, via connect()
    root.rename(moved)
    monkeypatch.chdir(tmp_path)
    with catalog.connect(moved / "data" / "bagel.duckdb", root=moved) as con:
        assert con.execute("select count(*) from sft").fetchone() == (3,)


def test_home_outside_the_project_uses_absolute_paths(tmp_path, monkeypatch):
    home = tmp_path / "home"
    _write_mix(home, _sft_rows())
    catalog.refresh(home, root=tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path / "home")
    with duckdb.connect(str(home / "bagel.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from sft").fetchone() == (3,)


def test_refresh_replaces_the_file_and_leaves_no_temporaries(tmp_path):
    home = tmp_path / "home"
    catalog.refresh(home)
    _write_mix(home, _sft_rows())
    catalog.refresh(home)
    assert sorted(p.name for p in home.iterdir()) == ["bagel.duckdb", "output"]
    with catalog.connect(home / "bagel.duckdb") as con:
        assert dict(con.execute("select view, state from catalog").fetchall())["sft"] == "files"


def test_connect_missing_catalog_says_how_to_build_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="bagel-data build duckdb_catalog"):
        catalog.connect(tmp_path / "nope.duckdb")


def test_manifest_json_is_whole_file(tmp_path):
    """A manifest with nested lists and maps stays one JSON value per product."""
    home = tmp_path / "home"
    folder = Layout(home).output("dpo")
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"product": "dpo", "shards": [{"path": "part-00000.parquet", "rows": 0}], "rows_by_source_format": {}}))
    catalog.refresh(home)
    with catalog.connect(home / "bagel.duckdb") as con:
        assert con.execute("select product, json_array_length(manifest->'shards') from manifests").fetchall() == [("dpo", 1)]
        assert con.execute("select count(*) from mix_rows").fetchone() == (0,)


# --- the sandbox: SQL from anyone reads the catalog's data and nothing else --------------------


def _full_home(tmp_path):
    """A data home with at least one file behind every view."""
    from bagel_data.decontam.benchmarks import VIEWS as BENCHMARK_VIEWS

    home = tmp_path / "home"
    layout = Layout(home)
    _write_mix(home, _sft_rows())
    write_parquet(schema.empty(schema.DPO_OUTPUT), layout.output("dpo") / "part-00000.parquet")
    for part, target in {**schema.NORMALIZED, "rejects": schema.REJECTS}.items():
        write_parquet(schema.empty(target), layout.normalized("some_source", part))
    write_parquet(schema.empty(BENCHMARK_VIEWS), layout.benchmark("mmlu"))
    write_parquet(schema.empty(catalog.CONTAMINATION_MATCHES), layout.decontam_dir / "matches.parquet")
    write_parquet(schema.empty(catalog.REVIEW), layout.decontam_dir / "review.parquet")
    write_parquet(pl.DataFrame({"benchmark": ["mmlu"], "source": ["boolq"], "matches": [1]}).to_arrow(), layout.decontam_dir / "summary.parquet")
    return home


@pytest.mark.parametrize("inside_project", [True, False], ids=["relative-paths", "absolute-paths"])
def test_every_view_still_reads_in_the_sandbox(tmp_path, monkeypatch, inside_project):
    root = tmp_path if inside_project else tmp_path / "elsewhere"
    home = _full_home(tmp_path)
    statuses = catalog.refresh(home, root=root)
    assert {s.name for s in statuses if s.state == "files"} == {v.name for v in catalog.VIEWS}
    monkeypatch.chdir(home)  # not the project root
    with catalog.connect(home / "bagel.duckdb", root=root) as con:
        for name in [v.name for v in catalog.VIEWS] + list(catalog.DERIVED):
            catalog.check_read_only(con, f"select count(*) from {name}")
            assert con.execute(f"select count(*) from {name}").fetchone()[0] >= 0
        assert con.execute("select count(*) from sft").fetchone() == (3,)
        assert con.execute("select manifest->>'rows' from manifests where product = 'sft'").fetchone() == ("3",)
        assert con.execute("select count(*) from mix_rows").fetchone() == (3,)


HOSTILE_READS = [
    "select * from read_text('/etc/hostname')",
    "select * from read_csv('/etc/passwd', sep = ':')",
    "select * from glob('/etc/*')",
    "select * from read_text('{home}/output/../../outside.txt')",  # escapes an allowed folder
    "select * from read_text('{home}/inside-home-but-not-a-view.txt')",
    "select * from read_parquet('{home}/../outside.parquet')",
    "attach '{home}/../other.duckdb' as other",
    "select * from read_csv('https://example.com/data.csv')",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "set allowed_directories = ['/']",
    "reset lock_configuration",
]


@pytest.mark.parametrize("sql", HOSTILE_READS)
def test_sandbox_refuses_files_outside_the_views_extensions_and_settings(tmp_path, sql):
    home = _full_home(tmp_path)
    (tmp_path / "outside.txt").write_text("secret")
    (home / "inside-home-but-not-a-view.txt").write_text("secret")
    write_parquet(pl.DataFrame({"a": [1]}).to_arrow(), tmp_path / "outside.parquet")
    catalog.refresh(home)
    with catalog.connect(home / "bagel.duckdb") as con:
        with pytest.raises(duckdb.Error, match="disabled|locked|Permission"):
            con.execute(sql.format(home=home)).fetchall()


@pytest.mark.parametrize("sql", [
    "copy (select 1 as a) to '{shard}'",
    "copy sft to '{shard}' (format parquet)",
    "export database '{home}/output/sft'",
    "select 1; copy (select 1 as a) to '{shard}'",
    "create table t as select 1",
    "insert into catalog values ('x', 'y', 1, 'files')",
    "set threads = 1",
    "checkpoint",
])
def test_statements_that_write_are_refused_and_the_shard_is_unchanged(tmp_path, sql):
    home = _full_home(tmp_path)
    catalog.refresh(home)
    shard = Layout(home).output("sft") / "part-00000.parquet"
    before = shard.read_bytes()
    with catalog.connect(home / "bagel.duckdb") as con:
        with pytest.raises(catalog.QueryRefused, match="not allowed"):
            catalog.check_read_only(con, sql.format(shard=shard, home=home))
        for allowed in ("describe sft", "show tables", "summarize sft", "from sft limit 1", "explain select * from sft", "pragma show_tables"):
            catalog.check_read_only(con, allowed)
    assert shard.read_bytes() == before
