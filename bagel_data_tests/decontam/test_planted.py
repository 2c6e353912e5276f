"""The whole Definitions on the shipped samples: decontamination flags exactly the planted rows
(planted.py), the mix drops them and nothing else is flagged; a rerun reads every embedding from
the cache and writes byte-identical reports."""

from __future__ import annotations

import hashlib
import json

import dagster as dg
import polars as pl
import pytest

from bagel_data.assets import decontam
from bagel_data.assets.resources import BagelResource
from bagel_data.decontam.run import units
from bagel_data.definitions import build_definitions
from bagel_data.recipe import load_recipe
from bagel_data.storage import Layout
from bagel_data_tests.decontam.planted import PLANTED


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    home = tmp_path_factory.mktemp("planted") / "home"
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("BAGEL_DATA_HOME", str(home))
        mp.setenv("BAGEL_DATA_MODE", "samples")
        mp.delenv("BAGEL_DATA_MIRROR", raising=False)
        defs = build_definitions(load_recipe())
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)
    finally:
        mp.undo()
    layout = Layout(home)
    return {"home": home, "layout": layout, "result": result, "matches": pl.read_parquet(layout.decontam_dir / "matches.parquet")}


def _metadata(result, key: dg.AssetKey) -> dict:
    return next(e.materialization.metadata for e in result.get_asset_materialization_events() if e.asset_key == key)


def test_exactly_the_planted_rows_are_flagged(built):
    matches = built["matches"]
    found = set(matches.select("source", "row_key").iter_rows())
    planted = {(source, key) for source, key, *_ in PLANTED}
    assert found - planted == set(), "flagged rows that were not planted"
    assert planted - found == set(), "planted rows that were missed"
    pairs = set(matches.select("source", "row_key", "benchmark", "benchmark_id").iter_rows())
    assert {p[:4] for p in PLANTED} <= pairs, "a planted row matched another item than the one planted"
    assert set(matches["method"]) == {"exact", "ngram", "embedding"}


def test_no_flagged_row_reaches_a_shard(built):
    layout = built["layout"]
    flagged = set(built["matches"]["train_id"])
    for product in ("sft", "dpo"):
        shards = pl.read_parquet(layout.output(product) / "*.parquet")
        assert shards.height > 0
        assert flagged.isdisjoint(shards["id"].unique().to_list()), f"a contaminated row reached the {product} shards"
    preference = built["matches"].filter(pl.col("source") == "truthy")["train_id"].to_list()
    assert preference, "the planted DPO prompt is flagged too"


def test_summary_and_metadata(built):
    summary = pl.read_parquet(built["layout"].decontam_dir / "summary.parquet")
    per_pair = {(b, s): n for b, s, n in summary.filter(pl.col("contaminated") > 0).select("benchmark", "source", "contaminated").iter_rows()}
    expected: dict[tuple[str, str], int] = {}
    for source, _key, bench, *_ in PLANTED:
        expected[(bench, source)] = expected.get((bench, source), 0) + 1
    assert per_pair == expected
    recipe = load_recipe()
    assert summary.height == len(recipe.benchmarks) * summary["source"].n_unique() and (summary["rows_checked"] > 0).all()
    meta = _metadata(built["result"], decontam.MATCHES)
    assert meta["contaminated_rows"].value == len(PLANTED) and meta["rows_checked"].value > 300
    assert meta["embedding_texts_per_second"].value > 0
    checks = {e.check_name: e.passed for e in built["result"].get_asset_check_evaluations() if e.asset_key == decontam.MATCHES}
    assert checks == {"matches_point_at_indexed_items": True}
    bench = _metadata(built["result"], decontam.benchmark_key("arc_challenge"))
    assert bench["items"].value == 5 and bench["dagster/row_count"].value == 15  # 3 test + 2 validation items, 3 views each


def test_rebuild_reads_the_embedding_cache_and_is_byte_identical(built):
    path = built["layout"].decontam_dir / "matches.parquet"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    recipe = load_recipe()
    defs = decontam.build_defs(recipe)
    unit_keys = [decontam.unit_key(u) for u in units(recipe)]
    result = dg.materialize(
        [*defs.assets], selection=[*unit_keys, decontam.MATCHES],
        resources={"bagel": BagelResource(mode="samples", home=str(built["home"])), "embedder": decontam.EmbedderResource()},
    )
    meta = _metadata(result, decontam.MATCHES)
    assert meta["embedding_cache_hit_rate"].value == 1.0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    stats = [json.loads(p.read_text()) for p in (built["layout"].decontam_dir / "sources").glob("*/stats.json")]
    assert stats and all(s["rows_detected"] == 0 and s["rows_reused"] == s["rows_checked"] for s in stats if s["rows_checked"]), "unchanged texts are not detected again"


def test_a_changed_row_is_the_only_one_detected_again_and_the_report_equals_a_fresh_one(built, tmp_path):
    """The unit's stored findings stand in for the rows whose texts did not change; the report is
    the one a check of every row gives."""
    import shutil

    from bagel_data.decontam.config import DecontamConfig
    from bagel_data.decontam.run import Unit, benchmark_views, decontaminate_unit
    from bagel_data.settings import Settings
    from bagel_data.storage import Layout

    recipe = load_recipe()
    source = max({s for s, *_ in PLANTED}, key=lambda s: sum(p[0] == s for p in PLANTED))
    home = tmp_path / "home"
    shutil.copytree(built["home"] / "normalized", home / "normalized")
    shutil.copytree(built["home"] / "decontam", home / "decontam")
    layout = Layout(home)
    config = DecontamConfig.from_section(recipe.decontamination)
    views = benchmark_views(recipe, Settings(home=built["home"], mode="samples"), from_layout=True)
    embedder = decontam.EmbedderResource().embedder(config, built["layout"])
    path = layout.normalized(source, "instructions")
    frame = pl.read_parquet(path)
    first = frame["conversation"][0][0]["content"]
    changed = frame.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.col("conversation").list.eval(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.struct(pl.element().struct.field("role"), pl.lit("Reworded upstream: " + first).alias("content"))).otherwise(pl.element())
    )).otherwise(pl.col("conversation")).alias("conversation"))
    changed.write_parquet(path)
    report, stats = decontaminate_unit(layout, Unit(source), views, config, embedder)
    assert stats["rows_detected"] == 1 and stats["rows_reused"] == stats["rows_checked"] - 1
    (layout.decontam_dir / "sources" / source / "stats.json").unlink()  # no stored findings: every row detected
    fresh, again = decontaminate_unit(layout, Unit(source), views, config, embedder)
    assert again["rows_detected"] == again["rows_checked"]
    assert report.equals(fresh) and report.height > 0


def test_stored_findings_are_not_served_to_another_version_of_the_detector(monkeypatch):
    from bagel_data.decontam import run
    from bagel_data.decontam.config import DecontamConfig

    assert {"decontam/confirm.py", "decontam/detect.py", "decontam/candidates.py"} <= set(run.DETECTOR_MODULES)
    views = pl.DataFrame({"benchmark": ["b"], "item_id": ["1"], "text": ["x"]})
    config = DecontamConfig.from_section(load_recipe().decontamination)
    before = run.detector_fingerprint(views, config, None)
    assert run.detector_fingerprint(views, config, None) == before
    monkeypatch.setattr(run, "code_digest", lambda modules: "another version of the rules")
    assert run.detector_fingerprint(views, config, None) != before


def test_hash_partitions_of_a_source_give_the_same_matches(built):
    """A source split into hash partitions finds exactly the rows the whole-source unit found,
    and every row is checked by exactly one partition."""
    from bagel_data.decontam.config import DecontamConfig
    from bagel_data.decontam.run import Unit, benchmark_views, decontaminate_unit, union_outputs
    from bagel_data.settings import Settings

    recipe, layout = load_recipe(), built["layout"]
    source = max({s for s, *_ in PLANTED}, key=lambda s: sum(p[0] == s for p in PLANTED))
    config = DecontamConfig.from_section(recipe.decontamination)
    views = benchmark_views(recipe, Settings(home=built["home"], mode="samples"), from_layout=True)
    embedder = decontam.EmbedderResource().embedder(config, layout)
    whole = pl.read_parquet(layout.decontam_dir / "sources" / source / "matches.parquet")
    parts = [decontaminate_unit(layout, Unit(source, k, 3), views, config, embedder) for k in range(3)]
    assert sum(s["rows_checked"] for _, s in parts) == json.loads((layout.decontam_dir / "sources" / source / "stats.json").read_text())["rows_checked"]
    union, _ = union_outputs(layout, [f"{source}.p{k}of3" for k in range(3)])
    assert whole.height > 0 and union.equals(whole)
    assert all(s["index_seconds"] == 0.0 for _, s in parts), "the benchmark index is built once per process"
