"""The reading layer: hub-layout resolution, three modes through one entry point, malformed
records set aside, unreadable files failing with source, path and mode in the message."""

from __future__ import annotations

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


def test_hub_mode_calls_load_dataset_with_pinned_revision(monkeypatch, home):
    calls = []

    class FakeDataset:
        data = types.SimpleNamespace(table=pa.table({"question": ["q1", "q2"]}))

    def load_dataset(repo, config, split, revision, data_files):
        calls.append((repo, config, split, revision, data_files))
        return FakeDataset()

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=load_dataset))
    up = Upstream(repo="allenai/ai2_arc", config="ARC-Challenge", split="train", revision="210d026faf9955653af8916fad021475a3f00453")
    raw = read_upstream(up, Settings(mode="hub", home=home), "source ai2_arc")
    assert calls == [("allenai/ai2_arc", "ARC-Challenge", "train", up.revision, None)]
    assert raw.rows["__row_key"].to_list() == ["train:0", "train:1"] and raw.files == [f"allenai/ai2_arc@{up.revision}"]


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
