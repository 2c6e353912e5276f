"""The reading layer: hub-layout resolution, three modes through one entry point, malformed
records set aside, unreadable files failing with source, path and mode in the message."""

from __future__ import annotations

import shutil
import sys
import types

import polars as pl
import pyarrow as pa
import pytest

from bagel_data.reading import ReadError, read_upstream
from bagel_data.recipe import Upstream
from bagel_data.settings import SAMPLES_DIR, Settings


def test_samples_mode_resolves_readme_configs(home):
    raw = read_upstream(Upstream(repo="allenai/ai2_arc", config="ARC-Challenge", split="validation"), Settings(home=home), "benchmark arc")
    shipped = SAMPLES_DIR / "allenai" / "ai2_arc" / "ARC-Challenge" / "validation-00000-of-00001.parquet"
    assert raw.files == [str(shipped)] and raw.rows.height == pl.read_parquet(shipped).height
    assert raw.rows["__row_key"][0] == "ARC-Challenge/validation-00000-of-00001.parquet:0"


def test_unknown_config_or_split_is_a_clear_error(home):
    with pytest.raises(ReadError, match=r"source x: .*config 'Nope'.*mode samples"):
        read_upstream(Upstream(repo="allenai/ai2_arc", config="Nope"), Settings(home=home), "source x")
    with pytest.raises(ReadError, match=r"split 'dev'"):
        read_upstream(Upstream(repo="allenai/ai2_arc", config="ARC-Challenge", split="dev"), Settings(home=home), "source x")


def test_missing_mirror_folder_names_source_path_and_mode(mirror_settings, mirror):
    with pytest.raises(ReadError) as err:
        read_upstream(Upstream(repo="org/absent"), mirror_settings, "source absent")
    message = str(err.value)
    assert "source absent" in message and str(mirror / "org" / "absent") in message and "mode mirror" in message


def test_conventional_layout_without_readme(mirror, mirror_settings):
    (mirror / "org" / "ds" / "data").mkdir(parents=True)
    pl.DataFrame({"a": [1, 2]}).write_parquet(mirror / "org" / "ds" / "data" / "train-00000-of-00002.parquet")
    pl.DataFrame({"a": [3]}).write_parquet(mirror / "org" / "ds" / "data" / "train-00001-of-00002.parquet")
    pl.DataFrame({"a": [9]}).write_parquet(mirror / "org" / "ds" / "data" / "test-00000-of-00001.parquet")
    raw = read_upstream(Upstream(repo="org/ds"), mirror_settings, "source ds")
    assert raw.rows["a"].to_list() == [1, 2, 3]


def test_corrupt_file_fails_naming_file_source_and_mode(mirror, mirror_settings):
    bad = mirror / "org" / "ds" / "data" / "train-00000-of-00001.parquet"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(ReadError) as err:
        read_upstream(Upstream(repo="org/ds"), mirror_settings, "source ds")
    assert "source ds" in str(err.value) and str(bad) in str(err.value) and "mode mirror" in str(err.value)


def test_bad_jsonl_lines_become_rejects(mirror, mirror_settings):
    path = mirror / "org" / "js" / "train.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text('{"q": "ok", "n": 1}\n{"q": broken\n\n["not", "an", "object"]\n{"q": "ünï", "extra": {"x": 1}}\n', encoding="utf-8")
    raw = read_upstream(Upstream(repo="org/js", data_files=("train.jsonl",)), mirror_settings, "source js")
    assert raw.rows["q"].to_list() == ["ok", "ünï"]
    assert raw.rows["__row_key"].to_list() == ["train.jsonl:1", "train.jsonl:5"]
    assert raw.rejects["row_key"].to_list() == ["train.jsonl:2", "train.jsonl:4"]
    assert raw.rejects["reason"][0].startswith("malformed: invalid JSON")


def test_ragged_csv_records_become_rejects(mirror, mirror_settings):
    path = mirror / "org" / "csv" / "corpus" / "t.csv"
    path.parent.mkdir(parents=True)
    path.write_text('id,text\n1,"hello, ""world"""\n2,a,b\n3,fine\n', encoding="utf-8")
    raw = read_upstream(Upstream(repo="org/csv", data_files=("corpus/t.csv",)), mirror_settings, "source csv")
    assert raw.rows["text"].to_list() == ['hello, "world"', "fine"]
    assert raw.rejects["row_key"].to_list() == ["corpus/t.csv:3"]


def _fake_hub(monkeypatch, calls: list) -> None:
    class FakeDataset:
        data = types.SimpleNamespace(table=pa.table({"question": ["q1", "q2"]}))

    def load_dataset(repo, name=None, *, split, revision, **kwargs):
        calls.append((repo, name, split, revision, kwargs))
        return FakeDataset()

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=load_dataset))


def test_hub_mode_calls_load_dataset_with_pinned_revision(monkeypatch, home):
    calls = []
    _fake_hub(monkeypatch, calls)
    up = Upstream(repo="allenai/ai2_arc", config="ARC-Challenge", split="train", revision="210d026faf9955653af8916fad021475a3f00453")
    raw = read_upstream(up, Settings(mode="hub", home=home), "source ai2_arc")
    assert calls == [("allenai/ai2_arc", "ARC-Challenge", "train", up.revision, {})]
    assert raw.rows["__row_key"].to_list() == ["train:0", "train:1"] and raw.files == [f"allenai/ai2_arc@{up.revision}"]


# Files the original code named itself (it fetched them by URL or passed data_files); SOURCES.md
# names summarization's. Every other hub source is loaded by (id, config, split) alone.
NAMED_FILES = {
    ("airoboros", "gpt4_m2"): ["instructions.jsonl"],
    ("bluemoon", "main"): ["data/pruned/bluemoon.train.json"],
    ("pippa", "main"): ["pippa_sharegpt_trimmed.jsonl"],
    ("summarization", "main"): ["expert_summarization_4096-*.jsonl"],
    **{("cinematika", k): [f"{f}.parquet"] for k, f in [("main", "prompt_to_character_card"), ("rp_to_character_card", "rp_to_character_card"),
        ("scene_summary", "scene_summary"), ("scene_enhancement", "scene_enhancement"), ("scene_by_scene", "scene_by_scene"),
        ("plain_full_script", "plain_full_script")]},
}


def test_hub_mode_loads_each_source_as_the_original(monkeypatch, home, recipe):
    settings = Settings(mode="hub", home=home)
    seen = {}
    entries = [(n, s) for n, s in recipe.sources.items()] + [(f"benchmark {n}", s) for n, s in recipe.benchmarks.items()]
    for label, spec in entries:
        for name, up in {"main": spec.upstream, **spec.inputs}.items():
            if up.on_hub:
                calls = []
                _fake_hub(monkeypatch, calls)
                read_upstream(up, settings, label)
                (seen[(label, name)],) = calls
    with_files = {key: call[4]["data_files"]["train"] for key, call in seen.items() if "data_files" in call[4]}
    assert with_files == NAMED_FILES, "data_files only where the original named files"
    assert seen[("airoboros", "main")] == ("jondurbin/airoboros-3.2", None, "train", "main", {})
    assert seen[("apps", "main")] == ("codeparrot/apps", None, "train", "refs/convert/parquet", {"data_dir": "all"}), "config 'all' is a folder of the parquet conversion"
    assert seen[("belebele", "main")] == ("facebook/belebele", None, "all", "main", {}), "every split, as the original iterated them"
    assert seen[("mmlu", "main")] == ("cais/mmlu", "all", "auxiliary_train", "main", {})
    assert ("benchmark alpaca_eval", "main") not in seen, "alpaca_eval.json is fetched as a file, as the original did"


def test_hub_errors_name_dataset_and_revision(monkeypatch, home):
    def load_dataset(*a, **k):
        raise ConnectionError("hub unreachable")

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=load_dataset))
    with pytest.raises(ReadError, match=r"source s: cannot load org/x@abc .*mode hub.*hub unreachable"):
        read_upstream(Upstream(repo="org/x", revision="abc"), Settings(mode="hub", home=home), "source s")


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("BAGEL_DATA_MODE", "mirror")
    monkeypatch.setenv("BAGEL_DATA_MIRROR", str(tmp_path))
    monkeypatch.setenv("BAGEL_DATA_HOME", str(tmp_path / "h"))
    s = Settings.from_env()
    assert (s.mode, s.mirror_root, s.home) == ("mirror", tmp_path, tmp_path / "h")
    monkeypatch.delenv("BAGEL_DATA_MIRROR")
    with pytest.raises(ValueError, match="needs a mirror"):
        Settings.from_env()
    with pytest.raises(ValueError, match="unknown mode"):
        Settings(mode="s3")


def test_a_record_with_an_odd_field_type_is_rejected_not_fatal(mirror, mirror_settings):
    path = mirror / "org" / "odd" / "train.jsonl"
    path.parent.mkdir(parents=True)
    good = '{"conversations": [{"from": "human", "value": "hi"}], "id": "a"}\n'
    path.write_text(good + '{"conversations": "not a list", "id": "b"}\n' + good.replace('"a"', '"c"'), encoding="utf-8")
    raw = read_upstream(Upstream(repo="org/odd", data_files=("train.jsonl",)), mirror_settings, "source odd")
    assert raw.rows["id"].to_list() == ["a", "c"]
    assert raw.rejects.row(0) == ("train.jsonl:2", "malformed: field 'conversations' is str, expected list", '{"conversations": "not a list", "id": "b"}')


def test_every_explicit_data_files_pattern_must_match(mirror, mirror_settings):
    (mirror / "org" / "multi").mkdir(parents=True)
    (mirror / "org" / "multi" / "a.jsonl").write_text('{"x": 1}\n')
    up = Upstream(repo="org/multi", data_files=("a.jsonl", "b.jsonl"))
    with pytest.raises(ReadError, match=r"source multi: no file in .*multi matches data_files pattern 'b.jsonl'"):
        read_upstream(up, mirror_settings, "source multi")


def test_fast_jsonl_path_agrees_with_line_by_line(tmp_path):
    from bagel_data.reading import readers

    path = tmp_path / "t.jsonl"
    path.write_text('{"q": "a", "c": [{"from": "human", "value": "x"}], "n": 1}\r\n{"q": "ü", "c": [], "n": 2, "extra": true}\n', encoding="utf-8")
    fast, _ = readers.read_jsonl(path, "t.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n\n" + lines[1] + "\n", encoding="utf-8")  # a blank line forces the slow path
    assert readers._read_jsonl_fast(path.read_text(encoding="utf-8"), "t.jsonl") is None
    slow, _ = readers.read_jsonl(path, "t.jsonl")
    slow = slow.with_columns(pl.Series("__row_key", ["t.jsonl:1", "t.jsonl:2"]))  # line 3 after the blank one
    assert fast.columns == slow.columns and fast.to_dicts() == slow.to_dicts()


def _readme(repo, configs_yaml: str) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    (repo / "README.md").write_text(f"---\nconfigs:\n{configs_yaml}---\n# card\n", encoding="utf-8")


def _jsonl(path, *values) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{{"v": {v!r}}}\n'.replace("'", '"') for v in values), encoding="utf-8")


def test_mirror_resolution_follows_datasets_conventions(mirror, mirror_settings):
    repo = mirror / "org" / "conv"
    _jsonl(repo / "everything.jsonl", "a")  # no split name anywhere: datasets makes it all "train"
    assert read_upstream(Upstream(repo="org/conv"), mirror_settings, "source c").rows["v"].to_list() == ["a"]
    _jsonl(repo / "train" / "2024" / "part-1.jsonl", "t")  # split folders, shards nested below them
    _jsonl(repo / "test" / "part-1.jsonl", "x")
    assert read_upstream(Upstream(repo="org/conv"), mirror_settings, "source c").rows["v"].to_list() == ["t"]
    assert read_upstream(Upstream(repo="org/conv", split="test"), mirror_settings, "source c").rows["v"].to_list() == ["x"]


def test_mirror_resolution_takes_the_readme_default_config(mirror, mirror_settings):
    repo = mirror / "org" / "cfg"
    _jsonl(repo / "one" / "train.jsonl", "one")
    _jsonl(repo / "two" / "train.jsonl", "two")
    _readme(repo, "- config_name: one\n  data_files: one/*.jsonl\n- config_name: two\n  default: true\n  data_files: two/*.jsonl\n")
    assert read_upstream(Upstream(repo="org/cfg"), mirror_settings, "source c").rows["v"].to_list() == ["two"]
    assert read_upstream(Upstream(repo="org/cfg", config="one"), mirror_settings, "source c").rows["v"].to_list() == ["one"]


def test_resolved_files_are_kept_until_the_folder_or_input_changes(mirror, mirror_settings, monkeypatch):
    """The second read of an unchanged folder takes the kept file list (no `datasets`), and so
    does a read after a data file was edited; a new README, a new file or another split resolves
    again."""
    from bagel_data.reading import mirror as resolution

    repo = mirror / "org" / "kept"
    _jsonl(repo / "one" / "train.jsonl", "one")
    _jsonl(repo / "two" / "train.jsonl", "two")
    _readme(repo, "- config_name: default\n  data_files: one/*.jsonl\n")
    calls = []
    real = resolution._builder_files
    monkeypatch.setattr(resolution, "_builder_files", lambda *a: calls.append(a) or real(*a))
    read = lambda **kw: read_upstream(Upstream(repo="org/kept", **kw), mirror_settings, "source k").rows["v"].to_list()  # noqa: E731
    assert read() == ["one"] and read() == ["one"] and len(calls) == 1
    _jsonl(repo / "one" / "train.jsonl", "one, edited")  # new size and mtime, same files: the kept list holds
    assert read() == ["one, edited"] and len(calls) == 1
    _readme(repo, "- config_name: default\n  data_files: two/*.jsonl\n")  # same size, other configs
    assert read() == ["two"] and len(calls) == 2
    _jsonl(repo / "two" / "more.jsonl", "more")
    assert sorted(read()) == ["more", "two"] and len(calls) == 3
    with pytest.raises(ReadError, match="split 'test'"):
        read(split="test")
    assert len(calls) == 4 and read() and len(calls) == 4


def test_split_all_reads_every_split_of_the_config(mirror, mirror_settings):
    repo = mirror / "org" / "langs"
    _jsonl(repo / "data" / "fra.jsonl", "fr")
    _jsonl(repo / "data" / "eng.jsonl", "en")
    _readme(repo, "- config_name: default\n  data_files:\n  - split: eng\n    path: data/eng.jsonl\n  - split: fra\n    path: data/fra.jsonl\n")
    raw = read_upstream(Upstream(repo="org/langs", split="all"), mirror_settings, "source langs")
    assert raw.rows["v"].to_list() == ["en", "fr"] and raw.rows["__row_key"].to_list() == ["data/eng.jsonl:1", "data/fra.jsonl:1"]


def test_parquet_conversion_config_is_its_folder(mirror, mirror_settings):
    repo = mirror / "org" / "script"
    for config, values in {"all": [1, 2, 3], "easy": [1]}.items():
        (repo / config / "train").mkdir(parents=True)
        pl.DataFrame({"v": values}).write_parquet(repo / config / "train" / "0000.parquet")
    up = Upstream(repo="org/script", config="all", revision="refs/convert/parquet")
    assert read_upstream(up, mirror_settings, "source s").rows["v"].to_list() == [1, 2, 3]
    # a folder declaring no configs reads a config name the same way (hand-made mirrors)
    assert read_upstream(Upstream(repo="org/script", config="easy"), mirror_settings, "source s").rows["v"].to_list() == [1]


@pytest.mark.parametrize(
    "layout",
    [
        "readme_parent", "readme_absolute", "readme_data_dir", "recipe_parent", "recipe_absolute", "symlink_file", "symlink_dir", "repo_parent",
    ],
)
def test_no_path_read_leaves_the_mirror_folder(mirror, mirror_settings, tmp_path, layout):
    outside = tmp_path / "outside"
    _jsonl(outside / "secret.jsonl", "secret")
    repo = mirror / "org" / "evil"
    _jsonl(repo / "data" / "train.jsonl", "ok")
    up = Upstream(repo="org/evil")
    if layout == "readme_parent":
        _readme(repo, "- config_name: default\n  data_files:\n  - split: train\n    path: ../../../outside/*.jsonl\n")
    elif layout == "readme_absolute":
        _readme(repo, f"- config_name: default\n  data_files:\n  - split: train\n    path: {outside}/secret.jsonl\n")
    elif layout == "readme_data_dir":
        _readme(repo, "- config_name: default\n  data_dir: ../../../outside\n")
    elif layout == "recipe_parent":
        up = Upstream(repo="org/evil", data_files=("../../../outside/secret.jsonl",))
    elif layout == "recipe_absolute":
        up = Upstream(repo="org/evil", data_files=(str(outside / "secret.jsonl"),))
    elif layout == "symlink_file":
        (repo / "data" / "train-link.jsonl").symlink_to(outside / "secret.jsonl")
    elif layout == "symlink_dir":
        (repo / "linked").symlink_to(outside, target_is_directory=True)
        up = Upstream(repo="org/evil", data_files=("linked/*.jsonl",))
    elif layout == "repo_parent":
        up = Upstream(repo="../outside")
    with pytest.raises(ReadError) as err:
        read_upstream(up, mirror_settings, "source evil")
    named = {"readme_parent": "'../../../outside/*.jsonl'", "readme_absolute": f"{outside}/secret.jsonl", "readme_data_dir": "data_dir '../../../outside'",
             "recipe_parent": "'../../../outside/secret.jsonl'", "recipe_absolute": str(outside / "secret.jsonl"), "symlink_file": "data/train-link.jsonl",
             "symlink_dir": "linked/secret.jsonl", "repo_parent": "repo '../outside'"}[layout]
    message = str(err.value)
    assert message.startswith("source evil: ") and "points outside the mirror folder" in message and named in message, message


def test_hub_download_paths_stay_in_the_cache(home):
    up = Upstream(repo="org/site", url="https://example.invalid/", data_files=("../../../etc/passwd",))
    with pytest.raises(ReadError, match=r"source site: recipe data_files path '\.\./\.\./\.\./etc/passwd' points outside"):
        read_upstream(up, Settings(mode="hub", home=home), "source site")


@pytest.mark.parametrize("declared", ["recipe", "readme", "convention"])
def test_a_directory_where_a_data_file_was_fails_the_source(mirror, mirror_settings, declared):
    repo = mirror / "org" / "dirs"
    _jsonl(repo / "data" / "train-00000-of-00002.jsonl", "a")
    (repo / "data" / "train-00001-of-00002.jsonl").mkdir()
    (repo / "data" / "train-00001-of-00002.jsonl" / "part.jsonl").write_text('{"v": "hidden"}\n')
    up = Upstream(repo="org/dirs", data_files=("data/*.jsonl",)) if declared == "recipe" else Upstream(repo="org/dirs")
    if declared == "readme":
        _readme(repo, "- config_name: default\n  data_files:\n  - split: train\n    path: data/train-*\n")
    with pytest.raises(ReadError, match=r"source dirs: .*data/train-00001-of-00002\.jsonl is a directory where a data file was expected"):
        read_upstream(up, mirror_settings, "source dirs")
    shutil.rmtree(repo / "data" / "train-00001-of-00002.jsonl")
    (repo / ".cache" / "huggingface" / "download" / "data" / "train-00001-of-00002.jsonl").mkdir(parents=True)  # hidden: ignored, as datasets does
    assert read_upstream(up, mirror_settings, "source dirs").rows["v"].to_list() == ["a"]
