"""The output swap and the debris of killed builds: `output/<product>` always names one complete
version (readers polling through many swaps never see a missing manifest or a mix of versions),
identical rebuilds switch nothing, and stale staging folders / temp files are removed while a live
build's are kept."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data import catalog
from bagel_data.locks import write_lock
from bagel_data.storage import Layout, clean_debris, collect_garbage, replace_dir, staging_dir, versions_dir

SWAPS = 100
SHARDS = 3


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _write_version(final: Path, n: int) -> Path:
    """A staged output whose shards and manifest all say `n` (as the mix lays them out)."""
    staged = staging_dir(final)
    shards = []
    for i in range(SHARDS):
        path = staged / f"part-{i:05d}.parquet"
        pq.write_table(pa.table({"version": [n] * (20 + n % 7), "shard": [i] * (20 + n % 7)}), path)
        shards.append({"path": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    (staged / "manifest.json").write_text(json.dumps({"version": n, "shards": shards}), encoding="utf-8")
    return staged


def _read_consistent(folder: Path) -> int:
    """Read one version the way a careful reader does; raises on a partial or mixed version."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {s["path"]: s["sha256"] for s in manifest["shards"]}
    on_disk = {p.name for p in folder.glob("part-*.parquet")}
    assert on_disk == set(listed), f"shards {sorted(on_disk)} but manifest lists {sorted(listed)}"
    for name, sha in listed.items():
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, f"{name} is not the manifest's (a mix of versions)"
        assert set(pq.read_table(pa.BufferReader(data)).column("version").to_pylist()) == {manifest["version"]}
    return manifest["version"]


def test_readers_never_see_a_gap_or_a_mix_during_swaps(home):
    final = Layout(home).output("sft")
    with write_lock(home, "output-sft"):
        replace_dir(_write_version(final, 0), final)
    stop, problems = threading.Event(), []
    polls = {"plain": 0, "pinned": 0}
    pinned_started = threading.Condition()

    def plain_reader():  # opens the documented paths as they are, e.g. a training job's loader
        while not stop.is_set():
            try:
                manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
                assert len(manifest["shards"]) == SHARDS
                assert (final / manifest["shards"][0]["path"]).is_file()
            except Exception as exc:  # noqa: BLE001 - every failure is a finding
                problems.append(f"plain reader: {exc!r}")
            polls["plain"] += 1

    def pinned_reader():  # resolves the link once, then reads one version (OUTPUT.md's advice)
        while not stop.is_set():
            with pinned_started:
                polls["pinned"] += 1
                pinned_started.notify_all()
            try:
                _read_consistent(final.resolve())
            except Exception as exc:  # noqa: BLE001
                problems.append(f"pinned reader: {exc!r}")

    readers = [threading.Thread(target=plain_reader), threading.Thread(target=pinned_reader)]
    for thread in readers:
        thread.start()
    try:
        for n in range(1, SWAPS + 1):
            with pinned_started:  # the pinned reader is at most one swap behind (previous is kept)
                seen = polls["pinned"]
                pinned_started.wait_for(lambda: polls["pinned"] > seen or not readers[1].is_alive(), timeout=10)
            with write_lock(home, "output-sft"):
                replace_dir(_write_version(final, n), final)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    plain = [p for p in problems if p.startswith("plain")]
    assert not problems, f"{len(problems)} bad reads ({len(plain)} by the plain reader), first: {(plain + problems)[:3]}"
    assert polls["plain"] > SWAPS and polls["pinned"] > SWAPS
    assert _read_consistent(final) == SWAPS
    versions = sorted(p.name for p in versions_dir(final).iterdir())
    assert versions == sorted([final.resolve().name, (versions_dir(final) / "previous").resolve().name, "previous"]), versions


def test_identical_rebuild_switches_nothing_and_old_versions_go(home):
    final = Layout(home).output("dpo")
    with write_lock(home, "output-dpo"):
        replace_dir(_write_version(final, 1), final)
        first = final.resolve()
        replace_dir(_write_version(final, 1), final)  # same bytes: the same version stays live
        assert final.resolve() == first and not (versions_dir(final) / "previous").exists()
        replace_dir(_write_version(final, 2), final)
        replace_dir(_write_version(final, 3), final)
    assert _read_consistent(final) == 3
    assert _read_consistent(versions_dir(final) / "previous") == 2
    assert not first.exists(), "a version older than the previous one is garbage"
    assert os.readlink(final) == f".versions/dpo/{final.resolve().name}", "relative link: the data home can move"


def test_a_real_output_folder_is_replaced_without_a_gap(home):
    """A data home from before versions has a real folder at output/sft: it is exchanged for the
    link atomically and kept as the previous version."""
    final = Layout(home).output("sft")
    final.mkdir(parents=True)
    (final / "manifest.json").write_text('{"version": "old", "shards": []}', encoding="utf-8")
    with write_lock(home, "output-sft"):
        replace_dir(_write_version(final, 7), final)
    assert final.is_symlink() and _read_consistent(final) == 7
    assert json.loads((versions_dir(final) / "previous" / "manifest.json").read_text())["version"] == "old"


def test_stale_staging_and_temp_files_are_removed_live_ones_kept(home):
    layout = Layout(home)
    final = layout.output("sft")
    with write_lock(home, "output-sft"):
        replace_dir(_write_version(final, 1), final)
    dead, host = _dead_pid(), os.uname().nodename
    stale = [
        versions_dir(final) / f".staging-{host}-{dead}-0badc0de",  # a killed build's half-written output
        layout.output_dir / f".sft.staging-{dead}-0badc0de",  # the layout before versions
        layout.output_dir / ".dpo.old-0badc0de",
        layout.home / "normalized" / "ai2_arc" / f".instructions.parquet.tmp-{host}-{dead}-0badc0de",
        layout.home / f".bagel.duckdb.tmp-{dead}-0badc0de.wal",
    ]
    live = [
        versions_dir(final) / f".staging-{host}-{os.getpid()}-0badc0de",  # a concurrent live build
        layout.home / "normalized" / "ai2_arc" / f".texts.parquet.tmp-{host}-{os.getpid()}-0badc0de",
        layout.home / "normalized" / "ai2_arc" / f".texts.parquet.tmp-elsewhere-{dead}-0badc0de",  # another host
    ]
    for path in stale + live:
        path.parent.mkdir(parents=True, exist_ok=True)
        if "staging" in path.name or ".old-" in path.name:
            path.mkdir()
            (path / "part-00000.parquet").write_bytes(b"x" * 1000)
        else:
            path.write_bytes(b"x")
    removed = clean_debris(home)
    assert sorted(map(str, removed)) == sorted(map(str, stale))
    assert not any(p.exists() for p in stale) and all(p.exists() for p in live)
    assert _read_consistent(final) == 1
    assert collect_garbage(final) == []  # the live staging folder survives a swap's collection too


def test_catalog_lists_only_live_manifests(home):
    """The manifests view globs output/*/manifest.json: an unfinished build's manifest must not show."""
    final = Layout(home).output("sft")
    with write_lock(home, "output-sft"):
        replace_dir(_write_version(final, 1), final)
        _write_version(final, 2)  # staged, not swapped in (as while a build runs, or after a kill)
    db = home / "bagel.duckdb"
    catalog.refresh(home, db, root=home)
    with catalog.connect(db, root=home) as con:
        rows = con.execute("SELECT product, manifest->>'version' FROM manifests").fetchall()
        shards = con.execute("SELECT DISTINCT version FROM sft").fetchall()
    assert rows == [("sft", "1")] and shards == [(1,)]
