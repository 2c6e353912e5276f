"""Shards, manifest, byte-identical rebuilds, and the output checks catching bad outputs."""

from __future__ import annotations

import hashlib
import json
import shutil

import polars as pl
import pyarrow.parquet as pq
import pytest

from bagel_data import schema
from bagel_data.mix import MixCheckError, build_product, check_manifest, validate
from bagel_data.storage import Layout, versions_dir
from bagel_data_tests.mix.crafted import conversation, instructions, make_recipe, preferences, texts, write_removals, write_source


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _write_mix(home, n=120):
    convs = [conversation(f"question {i}", f"answer {i}") if i % 5 else conversation(f"q{i}", "a", "more", "b") for i in range(n)]
    write_source(home, "alpha", instructions=instructions("alpha", convs, category=[f"c{i % 3}" for i in range(n)]))
    write_source(home, "beta", instructions=instructions("beta", convs[:30], label="beta_sub"), texts=texts("beta", [f"text body {i}" for i in range(7)]))
    pairs = [(f"prompt {i}", f"good {i}", f"bad {i}") for i in range(25)]
    write_source(home, "pairs", preferences=preferences("pairs", pairs))
    write_source(home, "truthy", preferences=preferences("truthy", pairs[:5]))


def _recipe(**kw):
    sources = {"alpha": {"priority": 3, "cap": 100, "stratify_by": "cat"}, "beta": {"priority": 2}, "pairs": {"priority": 2}, "truthy": {"priority": 1, "dpo_only": True}}
    return make_recipe(sources, **{**kw, "mix": {"exempt_from_dedup": ["truthy"], **kw.get("mix", {})}})


@pytest.mark.parametrize("product", ["sft", "dpo"])
def test_rebuild_is_byte_identical_even_in_another_home(tmp_path, product):
    digests = []
    for name in ("one", "two"):
        home = tmp_path / name
        _write_mix(home)
        build_product(_recipe(shards={"rows_per_shard": 50, "jsonl": True}), home, product)
        build_product(_recipe(shards={"rows_per_shard": 50, "jsonl": True}), home, product)  # rebuild in place
        digests.append(_digests(Layout(home).output(product)))
    assert digests[0] == digests[1]
    assert "manifest.json" in digests[0] and "part-00000.jsonl" in digests[0]


def test_shards_by_rows_and_by_bytes(home):
    _write_mix(home)
    report = build_product(_recipe(shards={"rows_per_shard": 64}), home, "sft")
    rows = [s["rows"] for s in report.manifest["shards"]]
    total = report.manifest["rows"]
    assert len(rows) == -(-total // 64) and sum(rows) == total  # key-range shards of about 64 rows
    assert 64 * 0.6 < sum(rows) / len(rows) <= 64 and max(rows) < 2 * 64
    keys = pl.read_parquet(report.folder / "part-*.parquet")  # the order is global: shard i holds key range i
    assert keys.height == total
    report = build_product(_recipe(shards={"bytes_per_shard": 20_000}), home, "sft")
    shards = report.manifest["shards"]
    assert len(shards) > 2 and sum(s["rows"] for s in shards) == total
    assert all(s["text_bytes"] >= 20_000 for s in shards[:-1])
    assert all(s["text_bytes"] < 20_000 + 2_000 for s in shards)  # cut at the first row crossing the budget
    assert [p.name for p in sorted(report.folder.glob("part-*.parquet"))] == [s["path"] for s in shards]


def test_a_changed_source_rewrites_only_the_shards_holding_its_changed_rows(home, tmp_path):
    """Key-range shards whose rows did not change are linked from the live output, not written;
    the result is byte for byte what a build from scratch of the same inputs gives."""
    import os

    recipe = _recipe(shards={"rows_per_shard": 40})
    _write_mix(home)
    first = build_product(recipe, home, "sft")
    before = {s["path"]: s for s in first.manifest["shards"]}
    inodes = {p.name: os.stat(p).st_ino for p in first.folder.glob("part-*.parquet")}
    convs = [conversation(f"question {i}", f"answer {i}") if i % 5 else conversation(f"q{i}", "a", "more", "b") for i in range(120)]
    completions = set(pl.read_parquet(first.folder / "part-*.parquet")["completion"].to_list())
    i = next(i for i in range(1, 120) if i % 5 and f"answer {i}" in completions)  # a row of the mix
    convs[i] = conversation(f"question {i}", f"answer {i}, corrected upstream")  # same id, new content
    write_source(home, "alpha", instructions=instructions("alpha", convs, category=[f"c{i % 3}" for i in range(120)]))
    second = build_product(recipe, home, "sft")
    after = second.manifest["shards"]
    changed = [s["path"] for s in after if s["sha256"] != before[s["path"]]["sha256"]]
    linked = [s["path"] for s in after if os.stat(second.folder / s["path"]).st_ino == inodes[s["path"]]]
    assert 0 < len(changed) < len(after) / 2, changed
    assert sorted(linked + changed) == sorted(s["path"] for s in after), "every unchanged shard is the live file, linked"
    fresh = tmp_path / "fresh"
    _write_mix(fresh)
    write_source(fresh, "alpha", instructions=instructions("alpha", convs, category=[f"c{i % 3}" for i in range(120)]))
    again = build_product(recipe, fresh, "sft")
    assert _digests(again.folder) == _digests(second.folder)


@pytest.mark.parametrize("change", ["formats", "default_system_probability"])
def test_a_render_setting_change_rewrites_the_shards_it_changes(home, tmp_path, change):
    """A part's row identities hash its source rows, not the rendered text: a setting that
    changes the text but not the shuffle keys (the format names at the same indices, the
    default-system coin's threshold) still gives the shards a new digest, so none is reused stale."""
    extra = {"formats": ["vicuna", "alpaca", "chatml", "llama2"]} if change == "formats" else {"default_system_probability": 0.95}
    base = _recipe(shards={"rows_per_shard": 40})
    changed = _recipe(shards={"rows_per_shard": 40}, **extra)
    _write_mix(home)
    first = build_product(base, home, "sft")
    before = {s["path"]: s["sha256"] for s in first.manifest["shards"]}
    warm = build_product(changed, home, "sft")
    assert any(before.get(s["path"]) != s["sha256"] for s in warm.manifest["shards"])
    fresh = tmp_path / "fresh"
    _write_mix(fresh)
    cold = build_product(changed, fresh, "sft")
    assert _digests(cold.folder) == _digests(warm.folder)


def test_length_statistics_count_characters_of_non_ascii_text(home):
    """The shards' texts are measured as they are rendered (Polars, in characters); the
    manifest's statistics equal the characters of the written shards, multi-byte text included,
    whether the shards were written or linked from the live output."""
    convs = [conversation(f"Frage {i}: was heißt «{'é' * i}»?", f"答案 {i} — ✓ {'ü' * (i % 7)}") for i in range(60)]
    write_source(home, "alpha", instructions=instructions("alpha", convs, category=[f"c{i % 3}" for i in range(60)]))
    for _ in ("written", "linked"):
        report = build_product(make_recipe({"alpha": {"priority": 1}}, shards={"rows_per_shard": 25}), home, "sft")
        out = pl.read_parquet(report.folder / "part-*.parquet")
        for field in ("prompt", "completion"):
            chars = out[field].str.len_chars()
            measured = report.manifest["lengths_chars"][field]
            assert (measured["total"], measured["max"], measured["min"]) == (chars.sum(), chars.max(), chars.min())
            assert chars.sum() < out[field].str.len_bytes().sum()  # multi-byte text: characters, not bytes


def test_parts_keep_plans_not_text_and_an_old_part_compression_setting_changes_nothing(home, tmp_path):
    """A part is a plan (keys, positions, source rows, formats, turns, row identities), no text:
    the shards are rendered from the source rows. `mix.part_compression`, from earlier versions,
    is still accepted (and only its old values) and the shards are the same bytes with or without it."""
    import numpy as np
    from bagel_data.mix import parts
    from bagel_data.recipe import RecipeError

    outputs = {}
    for compression in ("none", "lz4"):
        folder = tmp_path / compression
        _write_mix(folder)
        mix = {} if compression == "none" else {"part_compression": compression}
        report = build_product(_recipe(mix=mix, shards={"rows_per_shard": 40}), folder, "sft")
        outputs[compression] = {n: h for n, h in _digests(report.folder).items() if n.startswith("part-")}
        cache = parts.part_dir(Layout(folder), "sft")
        assert not list(cache.glob("*.arrow")), "no rendered text is kept"
        plans = {p.name.split(".")[0] + "." + p.name.split(".")[1]: np.load(p) for p in cache.glob("*.plan.npy")}
        assert set(plans) == {"alpha.instructions", "beta.instructions", "beta.texts"}
        assert sum(len(p) for p in plans.values()) == report.manifest["rows"]
        for plan in plans.values():
            assert plan.dtype == np.uint64 and plan.shape[1] == len(parts.PLAN_FIELDS)
            assert np.all(np.diff(plan[:, 0].astype(np.float64)) >= 0), "in key order"
    assert outputs["none"] == outputs["lz4"] and outputs["none"]
    with pytest.raises(RecipeError, match="part_compression"):
        build_product(_recipe(mix={"part_compression": "gzip"}), tmp_path / "none", "sft")


def test_reused_shards_feed_the_checks_and_statistics(home):
    """A rebuild that links every shard reports the same statistics and checks from the kept
    measurements, one set per shard."""
    recipe = _recipe(shards={"rows_per_shard": 40})
    _write_mix(home)
    first = build_product(recipe, home, "sft")
    again = build_product(recipe, home, "sft")
    assert again.manifest == first.manifest
    assert [(o.name, o.passed, o.metadata) for o in again.checks] == [(o.name, o.passed, o.metadata) for o in first.checks]
    assert len(list((Layout(home).cache_dir / "mix" / "sft" / "shards").glob("*.json"))) == len(first.manifest["shards"])


def test_manifest_describes_the_output(home):
    _write_mix(home)
    report = build_product(_recipe(shards={"rows_per_shard": 100}), home, "sft")
    manifest = json.loads((report.folder / "manifest.json").read_text())
    out = pl.read_parquet(report.folder / "part-*.parquet")
    assert manifest["rows"] == out.height
    actual = {(s, f): n for s, f, n in out.group_by("source", "format").len().iter_rows()}
    listed = {(s, f): n for s, per in manifest["rows_by_source_format"].items() for f, n in per.items()}
    assert listed == actual and ("beta", "text") in listed and "beta_sub" in manifest["rows_by_source_format"]
    beta = manifest["selection"]["beta"]
    assert manifest["selection"]["alpha"]["selected"] == 100 and beta["rows_in"] == 37
    kept_by_alpha = out.filter(pl.col("source") == "alpha")["id"].str.split("#").list.first().unique()
    beta_ids = pl.read_parquet(Layout(home).normalized("beta", "instructions"))["id"]
    assert beta["duplicates_cross"] == beta_ids.is_in(kept_by_alpha.implode()).sum() > 0  # only rows alpha kept count
    assert manifest["dedup_drops"] == [{"dropped": "beta", "kept_by": "alpha", "rows": beta["duplicates_cross"]}]
    assert manifest["upstream"]["alpha"] == [{"dataset": "up/alpha", "revision": "rev1"}]
    assert manifest["recipe"] == {"name": "crafted", "digest": _recipe(shards={"rows_per_shard": 100}).digest, "seed": 7}
    assert manifest["code"]["version"] and len(manifest["code"]["digest"]) == 64
    lengths = manifest["lengths_chars"]["completion"]
    assert lengths["count"] == out.height and lengths["max"] == out["completion"].str.len_chars().max()
    for shard in manifest["shards"]:
        data = (report.folder / shard["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == shard["sha256"] and len(data) == shard["bytes"]
        assert pq.ParquetFile(report.folder / shard["path"]).metadata.row_group(0).column(0).compression == "ZSTD"
    assert str(home) not in json.dumps(manifest)  # no absolute paths (and no timestamps: see the rebuild test)


def test_output_is_shuffled_by_seed(home):
    _write_mix(home)
    first = pl.read_parquet(build_product(_recipe(), home, "sft").folder / "part-*.parquet")
    assert first["source"].head(40).n_unique() > 1, "sources interleaved, not concatenated"
    assert first.select("id", "format").head(8)["format"].n_unique() > 1
    reseeded = pl.read_parquet(build_product(_recipe(seed=99), home, "sft").folder / "part-*.parquet")
    assert first["id"].head(20).to_list() != reseeded["id"].head(20).to_list()


def test_exempt_duplicates_are_allowed_and_checks_pass(home):
    _write_mix(home)
    report = build_product(_recipe(), home, "dpo")
    out = pl.read_parquet(report.folder / "part-*.parquet")
    assert out.filter(pl.col("source") == "truthy").height == 5 * 4
    assert out.select("id", "format").is_duplicated().sum() == 5 * 4 * 2  # the 5 truthy prompts also come from pairs
    assert all(o.passed for o in report.checks)


def test_checksum_mismatch_and_unlisted_shard_caught(home):
    _write_mix(home)
    folder = build_product(_recipe(shards={"rows_per_shard": 100}), home, "sft").folder
    assert check_manifest(folder).passed
    first, second = sorted(folder.glob("part-*.parquet"))[:2]
    second.write_bytes(first.read_bytes())  # a valid Parquet file, wrong content
    outcome = check_manifest(folder)
    assert not outcome.passed and "part-00001.parquet: sha256 mismatch" in outcome.description
    shutil.copy(first, folder / "part-99999.parquet")
    assert "part-99999.parquet: not in manifest" in check_manifest(folder).description


def test_a_damaged_live_shard_is_not_linked_into_the_next_version(home):
    """The build trusts the sha256 of the shards it has just written and hashed, but hashes the
    ones it links from the live output again: a live shard damaged on disk fails the check."""
    recipe = _recipe(shards={"rows_per_shard": 40})
    _write_mix(home)
    first = build_product(recipe, home, "sft")
    shard = sorted(first.folder.glob("part-*.parquet"))[1]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte inside the file
    shard.unlink()  # (the live file is a hard link target: write a new inode, as a disk error would leave a bad one)
    shard.write_bytes(bytes(data))
    with pytest.raises(MixCheckError, match=r"part-00001.parquet: sha256 mismatch"):
        build_product(recipe, home, "sft")


def _write_output(folder, frame: pl.DataFrame, product: str):
    """Write `frame` as a one-shard output with a correct manifest (to test the data checks)."""
    from bagel_data.mix.shards import sha256_file

    folder.mkdir(parents=True)
    pq.write_table(schema.conform(frame, schema.SFT_OUTPUT if product == "sft" else schema.DPO_OUTPUT), folder / "part-00000.parquet")
    entry = {"path": "part-00000.parquet", "rows": frame.height, "sha256": sha256_file(folder / "part-00000.parquet")}
    (folder / "manifest.json").write_text(json.dumps({"shards": [entry]}))


def test_data_checks_catch_bad_rows(tmp_path):
    msgs = [[{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]] * 4
    sft = pl.DataFrame({"id": ["x", "x", "y", "z"], "source": ["s"] * 4, "format": ["alpaca", "alpaca", "text", "chatml"], "prompt": ["p", "p", "", " "], "completion": ["c", "c", "t", "c"], "messages": msgs})
    _write_output(tmp_path / "sft", sft, "sft")
    got = {o.name: o for o in validate(tmp_path / "sft", "sft", removals=pl.Series(["z"]), exempt=[])}
    assert got["shards_match_manifest"].passed and got["schema"].passed
    assert not got["unique_id_format"].passed and got["unique_id_format"].metadata["duplicate_id_format"] == 1
    assert not got["no_empty_fields"].passed and got["no_empty_fields"].metadata == {"empty_prompt": 1, "empty_completion": 0}
    assert not got["no_contaminated_rows"].passed and got["no_contaminated_rows"].metadata["contaminated_rows"] == 1
    dpo = pl.DataFrame({"id": ["a", "b#1"], "source": ["s", "s"], "format": ["vicuna", "vicuna"], "prompt": ["p", "p"], "chosen": [" same", "c"], "rejected": [" same", "r"]})
    _write_output(tmp_path / "dpo", dpo, "dpo")
    got = {o.name: o for o in validate(tmp_path / "dpo", "dpo", removals=pl.Series(["b"]), exempt=[])}
    assert not got["chosen_differs_from_rejected"].passed and got["chosen_differs_from_rejected"].metadata["identical_pairs"] == 1
    assert got["no_contaminated_rows"].metadata["contaminated_rows"] == 1  # "b#1" is a turn of row b
    assert got["unique_id_format"].passed and got["no_empty_fields"].passed


@pytest.mark.parametrize("product", ["sft", "dpo"])
def test_checks_fed_by_the_merge_equal_the_checks_of_the_written_shards(home, product):
    _write_mix(home)
    write_removals(home, ["x"])
    report = build_product(_recipe(decontamination=True), home, product)
    exempt = {"truthy"} if product == "dpo" else set()
    again = validate(report.folder, product, removals=pl.Series(["x"]), exempt=exempt)
    assert [(o.name, o.passed, o.description, o.metadata) for o in again] == [(o.name, o.passed, o.description, o.metadata) for o in report.checks]


def test_failing_check_keeps_the_previous_output(home):
    _write_mix(home)
    good = build_product(_recipe(), home, "dpo")
    before = _digests(good.folder)
    # crafted rows bypass the converters' identical-pair filter: the blocking check must stop them
    write_source(home, "pairs", preferences=preferences("pairs", [("p", "same answer  ", "same answer  ")]))
    with pytest.raises(MixCheckError, match="chosen_differs_from_rejected"):
        build_product(_recipe(), home, "dpo")
    assert _digests(good.folder) == before
    assert sorted(p.name for p in good.folder.parent.iterdir()) == [".versions", "dpo"]
    assert [p.name for p in versions_dir(good.folder).iterdir()] == [good.folder.resolve().name], "staging folder cleaned up"


def test_decontaminated_rows_never_reach_the_output(home):
    _write_mix(home)
    alpha = pl.read_parquet(Layout(home).normalized("alpha", "instructions"))
    removed = alpha["id"].head(10).to_list()
    write_removals(home, removed)
    report = build_product(_recipe(decontamination=True), home, "sft")
    out = pl.read_parquet(report.folder / "part-*.parquet")
    assert not set(out["id"].str.split("#").list.first()) & set(removed)
    # beta repeats alpha's first 30 conversations: an id alpha took is a cross-source duplicate in
    # beta (dedup comes before decontamination, as in the original), so each id goes once
    assert report.manifest["decontamination"] == {"enabled": True, "removal_ids": 10, "rows_removed": 10}
    selection = report.manifest["selection"]
    assert selection["alpha"]["decontaminated"] + selection["beta"]["decontaminated"] == 10


def test_row_order_does_not_depend_on_chunk_or_bucket_size(home):
    _write_mix(home)
    small = build_product(_recipe(mix={"render_chunk_rows": 7}), home, "sft")
    assert small.manifest["settings"]["render_chunk_rows"] == 7
    small_rows = pl.read_parquet(small.folder / "part-*.parquet")
    large_rows = pl.read_parquet(build_product(_recipe(mix={"render_chunk_rows": 100_000}), home, "sft").folder / "part-*.parquet")
    assert small_rows.height > 7 * 20  # many buckets
    assert small_rows.equals(large_rows)


def test_bucket_plans_cover_every_part_row_once_in_key_order(home):
    """Whatever the bucket count, a part's buckets hand out each plan row exactly once, the
    buckets' key ranges ascending: concatenated, they are the part's whole plan."""
    import numpy as np
    from bagel_data.mix import parts

    _write_mix(home)
    build_product(_recipe(), home, "sft")
    readers = _readers(home)
    assert readers
    for reader in readers:
        for count in (1, 3, 7, 50):
            pieces = [reader.bucket_plan(b, count) for b in range(count)]
            assert np.array_equal(np.concatenate(pieces), np.asarray(reader.plan))
            assert reader.bucket_digest_input(0, count) == np.ascontiguousarray(pieces[0][:, 0]).tobytes() + np.ascontiguousarray(pieces[0][:, 5:7]).tobytes()
    assert all(len(r.plan) for r in readers) and parts.PLAN_FIELDS[0] == "key"


def _readers(home, product="sft"):
    """Readers of the parts in the cache (the job only matters for reading source rows)."""
    from bagel_data.mix import parts

    folder = parts.part_dir(Layout(home), product)
    metas = [json.loads(p.read_text()) for p in folder.glob("*.json")]
    return [parts.PartReader(folder, meta, job=None) for meta in metas]


def test_parts_are_keyed_by_the_code_that_rendered_them(home, monkeypatch):
    """A new version of the renderer (coins included) is not served parts the old one planned."""
    from bagel_data.mix import parts

    assert "ids.py" in parts.RENDERER_MODULES, "the coins of formats and default systems shape the rows"
    _write_mix(home)
    seen = []
    real = parts.plan_part

    def plan_part(job, folder):
        meta, base = real(job, folder)
        seen.append(meta["cached"])
        return meta, base

    monkeypatch.setattr(parts, "plan_part", plan_part)
    build_product(_recipe(), home, "sft")
    build_product(_recipe(), home, "sft")
    monkeypatch.setattr(parts, "code_digest", lambda modules: "another version of the renderer")
    build_product(_recipe(), home, "sft")
    n = len(seen) // 3
    assert n and seen[:n] == [False] * n and seen[n : 2 * n] == [True] * n and seen[2 * n :] == [False] * n


def test_source_rows_are_read_only_when_a_shard_is_rendered(home, monkeypatch):
    """A rebuild that links every shard reads no source rows; a cold build gathers each part's
    rows once, for planning and rendering both."""
    from bagel_data.mix import parts

    _write_mix(home)
    calls = []
    real = parts.gather_rows
    monkeypatch.setattr(parts, "gather_rows", lambda *a: calls.append(a[1:3]) or real(*a))
    build_product(_recipe(shards={"rows_per_shard": 40}), home, "sft")
    assert sorted(calls) == [("alpha", "instructions"), ("beta", "instructions"), ("beta", "texts")]
    calls.clear()
    build_product(_recipe(shards={"rows_per_shard": 40}), home, "sft")
    assert calls == []


def test_exempt_source_with_its_own_row_labels_is_still_exempt(home):
    pairs = [(f"prompt {i}", f"good {i}", f"bad {i}") for i in range(3)]
    write_source(home, "pairs", preferences=preferences("pairs", pairs))
    labelled = preferences("truthy", pairs).with_columns(pl.lit("truthy_v01").alias("source"))
    write_source(home, "truthy", preferences=labelled)
    report = build_product(make_recipe({"pairs": {"priority": 2}, "truthy": {"priority": 1, "dpo_only": True}}, mix={"exempt_from_dedup": ["truthy"]}), home, "dpo")
    out = pl.read_parquet(report.folder / "part-*.parquet")
    assert out.filter(pl.col("source") == "truthy_v01").height == 3 * 4
    assert all(o.passed for o in report.checks)


def test_fidelity_report_in_manifest_and_catalog(home):
    from bagel_data import catalog

    _write_mix(home)
    reports = {p: build_product(_recipe(), home, p) for p in ("sft", "dpo")}
    listed = reports["sft"].manifest["fidelity"]
    assert [r["source"] for r in listed] == ["alpha", "beta", "pairs", "truthy"], "in the order taken: priority 3 first"
    alpha = next(r for r in listed if r["source"] == "alpha")
    assert (alpha["rows_in"], alpha["after_own_sampling"], alpha["after_decontamination"]) == (120, 100, 100)
    catalog.refresh(home)
    with catalog.connect(home / "bagel.duckdb") as con:
        got = con.execute("select product, source, rows_in, after_duplicate_cross, after_decontamination from fidelity order by product, source").fetchall()
    sft = {r[1]: r for r in got if r[0] == "sft"}
    beta = reports["sft"].manifest["selection"]["beta"]
    assert sft["beta"][2:] == (beta["rows_in"], beta["rows_in"] - beta["duplicates_cross"] - beta["duplicates_within"] - beta["sampled_out"], beta["selected"])
    dpo = {r[1]: r[4] for r in got if r[0] == "dpo"}
    assert dpo == {"alpha": 0, "beta": 0, "pairs": 25, "truthy": 5}
    assert sum(r[4] for r in got if r[0] == "sft") == reports["sft"].selection.rows.height


def _parts(home, product="sft"):
    folder = Layout(home).cache_dir / "mix" / product
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.plan.npy")}


def test_a_changed_source_plans_only_its_own_parts_and_the_output_equals_a_cold_build(home):
    _write_mix(home)
    build_product(_recipe(), home, "sft")
    before = _parts(home)
    assert {name.split(".")[0] for name in before} == {"alpha", "beta"}
    # beta changes: its parts are planned again, alpha's (whose selected rows are the same) are reused
    convs = [conversation(f"new question {i}", f"new answer {i}") for i in range(40)]
    write_source(home, "beta", instructions=instructions("beta", convs, label="beta_sub"), texts=texts("beta", [f"text body {i}" for i in range(7)]))
    warm = build_product(_recipe(), home, "sft")
    after = _parts(home)
    alpha = {n: t for n, t in before.items() if n.startswith("alpha.")}
    assert alpha and all(after.get(n) == t for n, t in alpha.items())
    assert {n for n in after if n.startswith("beta.instructions.")}.isdisjoint(before)  # planned again, old ones pruned
    assert len(after) == len(before)
    warm_digests = _digests(warm.folder)
    shutil.rmtree(Layout(home).cache_dir / "mix")
    assert _digests(build_product(_recipe(), home, "sft").folder) == warm_digests


def test_one_worker_or_several_give_the_same_bytes(home, monkeypatch):
    """`mix.workers` threads plan parts and render and write shards side by side; the shards are
    the same bytes with one."""
    from bagel_data.mix import render

    _write_mix(home)
    one = _digests(build_product(_recipe(mix={"workers": 1}, shards={"rows_per_shard": 30}), home, "sft").folder)
    shutil.rmtree(Layout(home).cache_dir / "mix")
    shutil.rmtree(Layout(home).output("sft").resolve())
    threads = set()
    real = render.BucketRenderer.render

    def rendering(self, b, count):
        import threading

        threads.add(threading.current_thread().name)
        return real(self, b, count)

    monkeypatch.setattr(render.BucketRenderer, "render", rendering)
    three = _digests(build_product(_recipe(mix={"workers": 3}, shards={"rows_per_shard": 30}), home, "sft").folder)
    assert len(threads) > 1 and all(t.startswith("shard-writer") for t in threads)
    shards = lambda d: {n: h for n, h in d.items() if n.startswith("part-")}  # noqa: E731 (the manifest holds the recipe)
    assert shards(one) == shards(three) and len(shards(one)) >= 3


def test_blank_means_empty_or_unicode_whitespace_only():
    import pyarrow as pa

    from bagel_data.mix.checks import _blank

    values = pa.chunked_array([["", " ", "\u3000\n\t", "a", " a ", None, "\u00a0x"]])
    assert _blank(values).to_pylist() == [True, True, True, False, False, True, False]


@pytest.mark.parametrize("share", [0.1, 0.9])
def test_gathered_source_rows_are_the_selected_rows_in_file_order(home, monkeypatch, share):
    """A small share of a file is gathered batch by batch (copied out, across batch edges), a
    large one by a scan; both give the selected rows, in file order, in one chunk."""
    import numpy as np
    from bagel_data.mix import parts
    from bagel_data.mix.select import part_path

    _write_mix(home)
    monkeypatch.setattr(parts, "GATHER_BATCH_ROWS", 7)
    full = pl.read_parquet(part_path(Layout(home), "alpha", "instructions"))
    rows = np.flatnonzero(np.random.default_rng(3).random(full.height) < share).astype(np.uint32)
    got = parts.gather_rows(Layout(home), "alpha", "instructions", rows)
    expected = full[rows.astype(np.int64)].select(pl.lit("alpha").alias("origin"), "id", "source", "system", "conversation")
    assert got.equals(expected) and got.n_chunks() == 1 and 0 < got.height < full.height


@pytest.mark.parametrize("damage", ["truncated", "missing", "other shape"])
def test_a_damaged_kept_plan_is_planned_again(home, damage):
    """A kept plan that cannot be read back (cut short, deleted, another shape) is planned again
    instead of failing the build; the output is the same bytes."""
    import numpy as np
    from bagel_data.mix import parts

    _write_mix(home)
    recipe = _recipe(shards={"rows_per_shard": 40})
    first = build_product(recipe, home, "sft")
    shards = {s["path"]: s["sha256"] for s in first.manifest["shards"]}
    plan = max(parts.part_dir(Layout(home), "sft").glob("*.plan.npy"), key=lambda p: p.stat().st_size)
    if damage == "truncated":
        plan.write_bytes(plan.read_bytes()[: plan.stat().st_size // 2])
    elif damage == "missing":
        plan.unlink()
    else:
        np.save(plan, np.zeros((3, 2), dtype=np.uint64))
    shutil.rmtree(Layout(home).output("sft").resolve())  # render every shard from the plans
    again = build_product(recipe, home, "sft")
    assert {s["path"]: s["sha256"] for s in again.manifest["shards"]} == shards
    assert np.load(plan).shape[1] == len(parts.PLAN_FIELDS)
