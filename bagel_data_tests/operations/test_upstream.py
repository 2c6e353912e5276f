"""Upstream versions: content hashes of mirror files (and their cache), hub commit shas through a
fake HfApi, URL origins through a fake tag function, and which benchmarks a source reads."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from bagel_data import upstream
from bagel_data.recipe import BenchmarkSpec, SourceSpec, Upstream, load_recipe
from bagel_data.settings import Settings

ARC_TRAIN = "allenai/ai2_arc/ARC-Challenge/train-00000-of-00001.parquet"


def _settings(mirror: Path, tmp_path: Path) -> Settings:
    return Settings(mode="samples", mirror=mirror, home=tmp_path / "home")


def _edit_first_question(path: Path, text: str = "An edited question?") -> None:
    frame = pl.read_parquet(path)
    frame.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(text)).otherwise(pl.col("question")).alias("question")).write_parquet(path)


def test_mirror_version_changes_only_with_the_resolved_files(ops_env, tmp_path):
    recipe, mirror = ops_env["recipe"], ops_env["mirror"]
    settings = _settings(mirror, tmp_path)
    train = upstream.version_of("sources", recipe.sources["ai2_arc"], settings)
    validation = upstream.version_of("sources", recipe.sources["arc_validation"], settings)
    assert train.version != validation.version
    assert train.inputs[0].files == ("ARC-Challenge/train-00000-of-00001.parquet",)
    assert train.inputs[0].bytes == (mirror / ARC_TRAIN).stat().st_size
    assert upstream.version_of("sources", recipe.sources["ai2_arc"], settings) == train  # stable

    (mirror / "allenai/ai2_arc/notes.txt").write_text("not a data file of any split")
    assert upstream.version_of("sources", recipe.sources["ai2_arc"], settings).version == train.version

    _edit_first_question(mirror / ARC_TRAIN)
    assert upstream.version_of("sources", recipe.sources["ai2_arc"], settings).version != train.version
    assert upstream.version_of("sources", recipe.sources["arc_validation"], settings).version == validation.version


def test_version_of_several_inputs_combines_them(ops_env, tmp_path):
    recipe, mirror = ops_env["recipe"], ops_env["mirror"]
    settings = _settings(mirror, tmp_path)
    bench = recipe.benchmarks["arc_challenge"]  # test split + validation input
    both = upstream.version_of("benchmarks", bench, settings)
    assert [i.name for i in both.inputs] == ["main", "validation"]
    assert both.version not in {i.version for i in both.inputs}
    _edit_first_question(mirror / "allenai/ai2_arc/ARC-Challenge/validation-00000-of-00001.parquet")
    changed = upstream.version_of("benchmarks", bench, settings)
    assert changed.inputs[0].version == both.inputs[0].version
    assert changed.version != both.version


def test_digest_cache_is_used_for_unchanged_files_and_refreshed_on_change(ops_env, tmp_path):
    recipe, mirror = ops_env["recipe"], ops_env["mirror"]
    settings = _settings(mirror, tmp_path)
    spec = recipe.sources["ai2_arc"]
    first = upstream.version_of("sources", spec, settings)
    cache_file = settings.home / "cache" / "upstream" / "sources__ai2_arc.json"
    entries = json.loads(cache_file.read_text())
    assert list(entries) == ["allenai/ai2_arc/ARC-Challenge/train-00000-of-00001.parquet"]

    # A planted digest for the same size and mtime is trusted: the file is not re-read.
    key = next(iter(entries))
    entries[key][2] = "0" * 32
    cache_file.write_text(json.dumps(entries))
    assert upstream.version_of("sources", spec, settings).version != first.version

    # Touching the file (new mtime) makes the cache entry stale: the real digest comes back.
    path = mirror / ARC_TRAIN
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert upstream.version_of("sources", spec, settings).version == first.version


def test_missing_upstream_files_raise_a_clear_error(ops_env, tmp_path):
    recipe, mirror = ops_env["recipe"], ops_env["mirror"]
    shutil.rmtree(mirror / "Vezora")
    with pytest.raises(upstream.UpstreamError, match="Vezora/Tested-22k-Python-Alpaca"):
        upstream.version_of("sources", recipe.sources["python_alpaca"], _settings(mirror, tmp_path))


class FakeHub:
    def __init__(self, shas: dict[str, str]):
        self.shas, self.calls = shas, []

    def dataset_info(self, repo, revision=None):
        self.calls.append((repo, revision))
        if repo not in self.shas:
            raise ConnectionError("hub unreachable")
        return type("Info", (), {"sha": self.shas[repo]})()


def test_hub_mode_uses_the_dataset_commit_sha(ops_recipe_path, tmp_path):
    recipe = load_recipe(ops_recipe_path)
    settings = Settings(mode="hub", home=tmp_path)
    hub = FakeHub({"allenai/ai2_arc": "a" * 40})
    arc = recipe.benchmarks["arc_challenge"]  # two splits of one repo: one commit
    version = upstream.version_of("benchmarks", arc, settings, hub_api=hub)
    assert version.version == "a" * 40
    assert hub.calls == [("allenai/ai2_arc", "main"), ("allenai/ai2_arc", "main")]

    pinned = dataclasses.replace(arc, upstream=dataclasses.replace(arc.upstream, revision="b" * 40), inputs={})
    upstream.version_of("benchmarks", pinned, settings, hub_api=hub)
    assert hub.calls[-1] == ("allenai/ai2_arc", "b" * 40)

    hub.shas["allenai/ai2_arc"] = "c" * 40  # a new commit upstream
    assert upstream.version_of("benchmarks", arc, settings, hub_api=hub).version == "c" * 40


def test_hub_mode_unreachable_hub_is_an_upstream_error(ops_recipe_path, tmp_path):
    spec = load_recipe(ops_recipe_path).sources["ai2_arc"]
    with pytest.raises(upstream.UpstreamError, match=r"allenai/ai2_arc@main.*hub unreachable"):
        upstream.version_of("sources", spec, Settings(mode="hub", home=tmp_path), hub_api=FakeHub({}))


def test_hub_mode_url_origin_versions_by_remote_tags(tmp_path):
    spec = BenchmarkSpec("mt_bench", Upstream(  # a GitHub raw URL, not a hub dataset
        repo="lm-sys/FastChat", split="test", url="https://raw.githubusercontent.com/lm-sys/FastChat/main/",
        data_files=("fastchat/llm_judge/data/mt_bench/question.jsonl",),
    ))
    assert not spec.upstream.on_hub
    tags = {}

    def remote_tag(url: str) -> str:
        tags[url] = tags.get(url, '"etag-1"')
        return tags[url]

    settings = Settings(mode="hub", home=tmp_path)
    first = upstream.version_of("benchmarks", spec, settings, remote_tag=remote_tag)
    assert list(tags) == [spec.upstream.url + spec.upstream.data_files[0]]
    assert upstream.version_of("benchmarks", spec, settings, remote_tag=remote_tag) == first
    tags[next(iter(tags))] = '"etag-2"'
    assert upstream.version_of("benchmarks", spec, settings, remote_tag=remote_tag).version != first.version

    def unreachable(url: str) -> str:
        raise OSError("no route to host")

    with pytest.raises(upstream.UpstreamError, match="no route to host"):
        upstream.version_of("benchmarks", spec, settings, remote_tag=unreachable)


def test_benchmarks_read_by_guards_and_options(ops_env):
    recipe = ops_env["recipe"]
    assert upstream.benchmarks_read_by(recipe.sources["python_alpaca"], recipe) == ["humaneval"]
    assert upstream.benchmarks_read_by(recipe.sources["ai2_arc"], recipe) == []
    named = dataclasses.replace(recipe.sources["ai2_arc"], options={"benchmarks": ["arc_challenge", "not_a_benchmark"]})
    assert upstream.benchmarks_read_by(named, recipe) == ["arc_challenge"]
    off = dataclasses.replace(recipe.sources["python_alpaca"], filters={"humaneval_guard": False})
    assert upstream.benchmarks_read_by(off, recipe) == []


def test_real_humaneval_file_is_versioned_by_content(realdata, tmp_path):
    """The real gzipped HumanEval JSONL laid out as a mirror with explicit data_files."""
    spec = BenchmarkSpec("humaneval", Upstream(repo="openai/openai_humaneval", split="test", data_files=("HumanEval.jsonl.gz",)))
    mirror = tmp_path / "mirror" / spec.upstream.repo
    mirror.mkdir(parents=True)
    shutil.copy(realdata / "humaneval" / "HumanEval.jsonl.gz", mirror / "HumanEval.jsonl.gz")
    settings = Settings(mode="mirror", mirror=tmp_path / "mirror", home=tmp_path / "home")
    version = upstream.version_of("benchmarks", spec, settings)
    assert version.inputs[0].files == ("HumanEval.jsonl.gz",)
    assert version.inputs[0].bytes == (realdata / "humaneval" / "HumanEval.jsonl.gz").stat().st_size
    with (mirror / "HumanEval.jsonl.gz").open("ab") as handle:
        handle.write(b"\0")
    assert upstream.version_of("benchmarks", spec, settings).version != version.version


def test_folder_the_recipe_does_not_describe_is_hashed_whole(tmp_path):
    """Like the Gutenberg books (one file per book id, picked by the converter from its options)."""
    books = tmp_path / "mirror" / "gutenberg"
    books.mkdir(parents=True)
    (books / "12-0.txt").write_text("Through the Looking-Glass")
    (books / "98-0.txt").write_text("A Tale of Two Cities")
    spec = SourceSpec("books", "gutenberg", Upstream(repo="gutenberg", reader="text"))
    settings = Settings(mode="mirror", mirror=tmp_path / "mirror", home=tmp_path / "home")
    first = upstream.version_of("sources", spec, settings)
    assert first.inputs[0].files == ("12-0.txt", "98-0.txt")
    (books / "98-0.txt").write_text("A Tale of Two Cities, revised")
    assert upstream.version_of("sources", spec, settings).version != first.version

    described = dataclasses.replace(spec, upstream=Upstream(repo="gutenberg", config="books", split="train"))
    with pytest.raises(upstream.UpstreamError, match="config books"):  # a named config must resolve
        upstream.version_of("sources", described, settings)


def test_converter_can_declare_what_it_reads(ops_env, tmp_path, monkeypatch):
    """A converter's `upstream_inputs(spec, settings)` replaces the recipe's inputs for versioning."""
    import bagel_data.sources.ai2_arc as converter

    recipe, mirror = ops_env["recipe"], ops_env["mirror"]
    settings = _settings(mirror, tmp_path)
    spec = recipe.sources["ai2_arc"]
    declared = {"train": spec.upstream, "test": dataclasses.replace(spec.upstream, split="test")}
    monkeypatch.setattr(converter, "upstream_inputs", lambda s, st: declared, raising=False)
    version = upstream.version_of("sources", spec, settings)
    assert [i.name for i in version.inputs] == ["train", "test"]
    _edit_first_question(mirror / "allenai/ai2_arc/ARC-Challenge/test-00000-of-00001.parquet")
    assert upstream.version_of("sources", spec, settings).version != version.version


def test_observation_never_hashes_a_file_outside_the_mirror(ops_env, tmp_path):
    """Resolved through the same checks as reading: a symlink out of the mirror is an error, for a
    described repo and for a folder hashed whole alike."""
    recipe, mirror = ops_env["recipe"], ops_env["mirror"]
    settings = _settings(mirror, tmp_path)
    outside = tmp_path / "outside.parquet"
    shutil.move(mirror / ARC_TRAIN, outside)
    (mirror / ARC_TRAIN).symlink_to(outside)
    with pytest.raises(upstream.UpstreamError, match=r"input 'main' .*train-00000-of-00001.parquet points outside the mirror folder"):
        upstream.version_of("sources", recipe.sources["ai2_arc"], settings)

    books = mirror / "gutenberg"
    books.mkdir()
    (books / "12-0.txt").write_text("Through the Looking-Glass")
    (tmp_path / "notes.md").write_text("private")
    (books / "notes.md").symlink_to(tmp_path / "notes.md")
    spec = SourceSpec("books", "gutenberg", Upstream(repo="gutenberg", reader="text", url="https://example.invalid/"))
    with pytest.raises(upstream.UpstreamError, match=r"notes.md points outside the mirror folder"):
        upstream.version_of("sources", spec, settings)
