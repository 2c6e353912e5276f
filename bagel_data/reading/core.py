"""`read_upstream`: one entry point for samples, mirror and hub modes."""

from __future__ import annotations

import contextlib
import contextvars
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bagel_data.reading.mirror import check_pattern, load_arguments, resolve_files
from bagel_data.reading.readers import DamagedFile, read_file
from bagel_data.recipe import Upstream
from bagel_data.settings import Settings
from bagel_data.storage import Layout


class ReadError(RuntimeError):
    """An upstream file is missing or unreadable; the message names source, path and mode."""


def one_line(exc: BaseException) -> str:
    """`Type: first line of the message` (Polars errors carry multi-line plan dumps)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


@dataclass
class RawData:
    rows: pl.DataFrame  # upstream fields as they are, plus "__row_key"
    rejects: pl.DataFrame  # row_key, reason, raw: records that could not be parsed
    files: list[str]  # what was read (paths, or hub id@revision)


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.width]
    if not frames:
        return pl.DataFrame({"__row_key": []}, schema={"__row_key": pl.String})
    return pl.concat(frames, how="diagonal_relaxed")


def _read_files(files: list[Path], root: Path, up: Upstream, what: str, mode: str) -> RawData:
    rows, rejects = [], []
    for path in files:
        label = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        try:
            frame, bad = read_file(path, label, up.reader)
        except DamagedFile as exc:  # noqa: BLE001 - a damaged file is fatal, with context
            raise ReadError(f"{what}: damaged file {path} (mode {mode}): {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - any failure to parse a whole file is fatal, with context
            raise ReadError(f"{what}: cannot read {path} (mode {mode}): {one_line(exc)}") from exc
        rows.append(frame)
        rejects.append(bad)
    return RawData(_concat(rows), pl.concat(rejects) if rejects else pl.DataFrame(), [str(p) for p in files])


def _read_mirror(up: Upstream, root: Path, what: str, mode: str, cache: Path | None = None) -> RawData:
    repo_dir = root / up.repo
    try:
        files = resolve_files(repo_dir, up, root, cache)
    except (FileNotFoundError, ValueError) as exc:
        raise ReadError(f"{what}: {exc} (mode {mode}, dataset {up.repo}, config {up.config}, split {up.split})") from exc
    return _read_files(files, repo_dir, up, what, mode)


def _read_url(up: Upstream, cache: Path, what: str) -> RawData:
    """Non-hub origins in hub mode: fetch each listed file once into the download cache."""
    repo_dir = cache / "downloads" / up.repo
    files = []
    for name in up.data_files:
        try:
            check_pattern(up.repo, "repo")
            check_pattern(name, "recipe data_files path")
        except ValueError as exc:
            raise ReadError(f"{what}: {exc} (mode hub)") from exc
        target = repo_dir / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            url = up.url.rstrip("/") + "/" + name
            try:
                with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - recipe-pinned URL
                    target.write_bytes(resp.read())
            except OSError as exc:
                raise ReadError(f"{what}: cannot download {url} (mode hub): {exc}") from exc
        files.append(target)
    return _read_files(files, repo_dir, up, what, "hub")


def _read_hub(up: Upstream, what: str) -> RawData:
    """`load_dataset(id, config, split=..., revision=...)` as the original called it; `data_files`
    only where the recipe names files (see `load_arguments` for the parquet-conversion branch)."""
    import datasets  # heavy import, only in hub mode

    args = load_arguments(up)
    name = args.pop("name")
    try:
        ds = datasets.load_dataset(up.repo, name, split=up.split, revision=up.revision, **args)
    except Exception as exc:  # noqa: BLE001
        raise ReadError(f"{what}: cannot load {up.repo}@{up.revision} config {up.config} split {up.split} (mode hub): {exc}") from exc
    frame = pl.from_arrow(ds.data.table)
    keys = [f"{up.split}:{i}" for i in range(frame.height)]
    frame = frame.with_columns(pl.Series("__row_key", keys, dtype=pl.String))
    return RawData(frame, pl.DataFrame(), [f"{up.repo}@{up.revision}"])


_files_read: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("files_read", default=None)


@contextlib.contextmanager
def track_reads() -> Iterator[list[str]]:
    """Collect what every `read_upstream` inside the block read (for error messages)."""
    files: list[str] = []
    token = _files_read.set(files)
    try:
        yield files
    finally:
        _files_read.reset(token)


def read_upstream(up: Upstream, settings: Settings, what: str) -> RawData:
    """Read one upstream input; `what` names the source or benchmark for error messages."""
    if settings.mode == "hub":
        raw = _read_hub(up, what) if up.on_hub else _read_url(up, settings.home / "cache", what)
    else:
        raw = _read_mirror(up, settings.mirror_root, what, settings.mode, Layout(settings.home).resolve_cache)
    tracked = _files_read.get()
    if tracked is not None:
        tracked.extend(raw.files)
    return raw
