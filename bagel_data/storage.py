"""Where every artifact lives under the data home, atomic writes (temp file, then rename), the
versioned swap of multi-file outputs, and the removal of what killed runs leave behind.

A killed run never leaves a half-written file under a final name: readers (DuckDB views, later
assets, training jobs) only ever see complete files, and `output/<product>` always names one
complete version (see `replace_dir`). Temp names carry the writer's host and pid, so a later
build can tell a dead writer's debris from a live one's.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import shutil
import socket
import uuid
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data.locks import pid_alive

if TYPE_CHECKING:
    import polars as pl

NORMALIZED_PARTS = ("instructions", "preferences", "texts", "rejects")


PACKAGE_ROOT = Path(__file__).resolve().parent


@cache
def code_digest(patterns: tuple[str, ...]) -> str:
    """sha256 of the package's source files matching these globs (relative to the package), path
    and bytes: what a manifest names the code by, and the key of what is cached from that code
    (a selection trace, a rendered part, a decontamination unit's findings), so a new version of
    it makes them again."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in PACKAGE_ROOT.glob(pattern)}):
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class Layout:
    """Paths of every artifact below one data home."""

    def __init__(self, home: Path):
        self.home = Path(home)

    def normalized(self, source: str, part: str) -> Path:
        return self.home / "normalized" / source / f"{part}.parquet"

    def normalized_glob(self, part: str) -> str:
        return str(self.home / "normalized" / "*" / f"{part}.parquet")

    def benchmark(self, name: str) -> Path:
        return self.home / "benchmarks" / f"{name}.parquet"

    @property
    def mix_dir(self) -> Path:
        return self.home / "mix"

    @property
    def output_dir(self) -> Path:
        return self.home / "output"

    def output(self, product: str) -> Path:  # product: "sft" | "dpo"
        return self.output_dir / product

    @property
    def decontam_dir(self) -> Path:
        return self.home / "decontam"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def resolve_cache(self) -> Path:
        """Resolved mirror file lists (`reading.mirror.resolve_files`)."""
        return self.cache_dir / "resolve"

    @property
    def duckdb_path(self) -> Path:
        return self.home / "bagel.duckdb"


def _tmp_sibling(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{_owner()}-{uuid.uuid4().hex[:8]}")


def write_parquet(table: pa.Table, path: Path, *, compression: str = "zstd", row_group_size: int | None = None) -> Path:
    """Write `table` to `path` atomically; deterministic bytes for equal tables, however their
    columns are chunked (the writer's pages follow the chunks, and Polars chunks by thread count)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path)
    try:
        pq.write_table(table.combine_chunks(), tmp, compression=compression, row_group_size=row_group_size)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_cache_parquet(frame: pl.DataFrame, path: Path) -> Path:
    """Write a Polars frame the data home only caches to `path` atomically, with Polars' own
    (multithreaded) writer and light zstd: 2-5x faster than converting to Arrow for
    `write_parquet`. Its bytes may follow the frame's chunks; nothing published is written so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path)
    try:
        frame.write_parquet(tmp, compression="zstd", compression_level=1)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text(text: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_json(obj: Any, path: Path) -> Path:
    return write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", path)



# --- multi-file outputs: versioned folders behind an atomically switched symlink ------------------
#
#   output/sft -> .versions/sft/<version>        what readers open (a symlink, replaced atomically)
#   output/.versions/sft/<version>/              complete outputs: the current one and the previous
#   output/.versions/sft/previous -> <version>   the one readers may still be reading
#   output/.versions/sft/.staging-<host>-<pid>-<hex>/   a build in progress
#
# <version> is the first 16 hex chars of the sha256 of the folder's manifest.json (which lists
# every shard's sha256), so a rebuild with identical bytes switches nothing. Call `staging_dir`,
# write, then `replace_dir`, all while holding the output's `locks.write_lock`.

VERSIONS = ".versions"
PREVIOUS = "previous"
MANIFEST = "manifest.json"
_DEBRIS = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|staging|old|link)-(?:(?P<host>.+)-(?P<pid>\d+)-)?(?:(?P<oldpid>\d+)-)?[0-9a-f]{8}(\.wal)?$")
_STAGING = re.compile(r"^\.staging-(?P<host>.+)-(?P<pid>\d+)-[0-9a-f]{8}$")


def versions_dir(final: Path) -> Path:
    return final.parent / VERSIONS / final.name


def current_version(final: Path) -> Path | None:
    """The folder `final` points at now (None when there is no output yet)."""
    return final.resolve() if final.exists() else None


def staging_dir(final: Path) -> Path:
    """A fresh empty folder to write a multi-file output into before `replace_dir`; stale
    staging folders of killed builds of the same output are removed first."""
    collect_garbage(final)
    versions = versions_dir(final)
    versions.mkdir(parents=True, exist_ok=True)
    staged = versions / f".staging-{_owner()}-{uuid.uuid4().hex[:8]}"
    staged.mkdir()
    return staged


def _version_name(staged: Path) -> str:
    manifest = staged / MANIFEST
    if manifest.is_file():
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
    return uuid.uuid4().hex[:16]


def _switch_link(final: Path, target: str) -> None:
    """Point symlink `final` at `target` (relative) in one rename; a real folder at `final` (the
    layout before versions) is exchanged atomically where the kernel can, and kept as previous."""
    link = final.with_name(f".{final.name}.link-{_owner()}-{uuid.uuid4().hex[:8]}")
    os.symlink(target, link)
    if final.is_symlink() or not final.exists():
        os.replace(link, final)
        return
    legacy = versions_dir(final) / f"legacy-{uuid.uuid4().hex[:12]}"
    if _exchange(link, final):  # `link` now names the old folder
        os.rename(link, legacy)
    else:  # no RENAME_EXCHANGE: one short gap, once, when migrating an old data home
        os.rename(final, legacy)
        os.replace(link, final)
    _set_previous(final, legacy.name)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two paths atomically (Linux); False when unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _set_previous(final: Path, name: str) -> None:
    versions = versions_dir(final)
    link = versions / f".{PREVIOUS}.link-{_owner()}-{uuid.uuid4().hex[:8]}"
    os.symlink(name, link)
    os.replace(link, versions / PREVIOUS)


def replace_dir(staged: Path, final: Path) -> Path:
    """Make the fully written folder `staged` the output at `final`: it becomes version
    `<sha256 of its manifest>`, `final` is switched to it in one atomic rename (every path under
    `final` always belongs to one complete version), the version it replaced is kept as
    `previous`, and older versions are removed."""
    versions = versions_dir(final)
    versions.mkdir(parents=True, exist_ok=True)
    name = _version_name(staged)
    target = versions / name
    current = current_version(final)
    if current is not None and current == target.resolve():
        shutil.rmtree(staged)  # identical bytes are live already
        return final
    if target.exists():  # an older identical version: take the fresh copy
        shutil.rmtree(target)
    os.rename(staged, target)
    _switch_link(final, f"{VERSIONS}/{final.name}/{name}")
    if current is not None and current.parent == versions.resolve():
        _set_previous(final, current.name)
    collect_garbage(final)
    return final


def collect_garbage(final: Path) -> list[Path]:
    """Remove what no reader can reach: versions other than the current and the previous one,
    staging folders of dead builds. Call it holding the output's write lock."""
    versions = versions_dir(final)
    if not versions.is_dir():
        return []
    keep = {p.resolve() for p in (final, versions / PREVIOUS) if p.exists()}
    removed = []
    for entry in versions.iterdir():
        if entry.name == PREVIOUS or entry.resolve() in keep:
            continue
        staging = _STAGING.match(entry.name)
        if staging and _owner_alive(staging["host"], int(staging["pid"])):
            continue  # an unfinished build of a live process (on this host)
        _remove(entry)
        removed.append(entry)
    return removed


def clean_debris(home: Path) -> list[Path]:
    """Remove what killed processes left under the data home: unfinished versions and staging
    folders of every output, temp files of atomic writes whose writer is gone, and the
    `.<name>.staging-*` / `.old-*` folders of the layout before versions. For `bagel-data build`,
    which holds the whole data home."""
    home = Path(home)
    removed: list[Path] = []
    output = Layout(home).output_dir
    if (output / VERSIONS).is_dir():
        for versions in sorted((output / VERSIONS).iterdir()):
            if versions.is_dir():
                removed += collect_garbage(output / versions.name)
    for folder, dirs, files in os.walk(home):
        if Path(folder) == home:
            dirs[:] = [d for d in dirs if d not in ("dagster_home", ".locks")]
        for name in [*dirs, *files]:
            match = _DEBRIS.match(name)
            if not match:
                continue
            pid = match["pid"] or match["oldpid"]
            if match["kind"] in ("tmp", "link") and pid and _owner_alive(match["host"], int(pid)):
                continue
            _remove(Path(folder) / name)
            removed.append(Path(folder) / name)
        dirs[:] = [d for d in dirs if not _DEBRIS.match(d) and d != VERSIONS]
    return removed


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _owner() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _owner_alive(host: str | None, pid: int) -> bool:
    """Whether the process that named a temp file may still be writing it. On another host we
    cannot tell: assume it is."""
    if host is not None and host != socket.gethostname():
        return True
    return pid_alive(pid)
