"""The upstream version of a source or benchmark: what its observable Dagster asset reports.

- hub mode: the dataset repo's commit sha at the recipe revision (`HfApi().dataset_info`);
  a non-hub origin (a `url` in the recipe) is versioned by the HTTP ETag / Last-Modified of
  each data file (its bytes hashed when the server gives neither).
- mirror and samples modes: a content hash of the files `resolve_files` picks (datasets' own
  resolution, see `reading/mirror.py`), so editing, adding or removing one file changes the
  version and nothing else does; a path leaving the mirror folder is an error here too.

One source may read several inputs (`inputs:` in the recipe); its version combines theirs.
Digests of unchanged files (same size and mtime) are kept in a small per-entry cache under
the data home, so hourly observation of a large mirror does not re-read gigabytes.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bagel_data.reading.mirror import check_inside, readme_configs, resolve_files
from bagel_data.recipe import BenchmarkSpec, Recipe, SourceSpec, Upstream
from bagel_data.settings import Settings
from bagel_data.storage import Layout, write_json

CHUNK = 1 << 20
RemoteTag = Callable[[str], str]


class UpstreamError(RuntimeError):
    """The upstream version cannot be determined (missing files, hub or URL unreachable)."""


@dataclass(frozen=True)
class InputVersion:
    name: str  # "main" or the recipe input name
    version: str
    where: str  # repo@revision, folder, or URL base
    files: tuple[str, ...] = ()  # hashed files, relative to the repo folder (mirror/samples)
    bytes: int = 0


@dataclass(frozen=True)
class UpstreamVersion:
    version: str
    inputs: tuple[InputVersion, ...] = field(default_factory=tuple)


def _digest(parts: list[str], size: int = 16) -> str:
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=size).hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class DigestCache:
    """{relative path: [size, mtime_ns, digest]} in one JSON file; a file whose size or mtime
    changed is re-hashed. A missing or corrupt cache is simply rebuilt."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, list] = {}
        if path and path.is_file():
            try:
                self.entries = dict(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                self.entries = {}
        self.used: dict[str, list] = {}

    def digest(self, path: Path, key: str) -> tuple[str, int]:
        stat = path.stat()
        cached = self.entries.get(key)
        if cached and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            digest = cached[2]
        else:
            digest = file_digest(path)
        self.used[key] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest, stat.st_size

    def save(self) -> None:
        if self.path and self.used != self.entries:
            write_json(self.used, self.path)


def _undescribed(repo_dir: Path, up: Upstream) -> bool:
    """A folder the recipe does not describe file by file: no data_files, no config, no README configs."""
    return not up.data_files and up.config is None and not readme_configs(repo_dir)


def _all_files(repo_dir: Path) -> list[Path]:
    files = sorted(p for p in repo_dir.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.relative_to(repo_dir).parts))
    for path in files:  # a symlink pointing out of the folder is not hashed: it is an error
        check_inside(path, repo_dir, "file")
    return files


def mirror_version(up: Upstream, root: Path, name: str = "main", cache: DigestCache | None = None, resolved: Path | None = None) -> InputVersion:
    """Content hash of the files one input resolves to in a hub-layout folder. A folder the
    recipe does not describe (see `_undescribed`, e.g. the Gutenberg books a converter picks by
    id) is hashed whole: a change anywhere in it counts, so nothing the converter reads is missed."""
    repo_dir = root / up.repo
    try:
        try:
            files = resolve_files(repo_dir, up, root, resolved)
        except FileNotFoundError:
            files = _all_files(repo_dir) if repo_dir.is_dir() and _undescribed(repo_dir, up) else []
            if not files:
                raise
    except (FileNotFoundError, ValueError) as exc:
        raise UpstreamError(f"input {name!r} ({up.repo}, config {up.config}, split {up.split}): {exc}") from exc
    cache = cache or DigestCache(None)
    parts, rel, total = [], [], 0
    for path in files:
        key = path.relative_to(repo_dir).as_posix()
        digest, size = cache.digest(path, f"{up.repo}/{key}")
        parts.append(f"{key}\t{digest}")
        rel.append(key)
        total += size
    return InputVersion(name, _digest(parts), str(repo_dir), tuple(rel), total)


def hub_version(up: Upstream, name: str = "main", hub_api=None) -> InputVersion:
    """The commit sha of the dataset repo at the recipe revision."""
    if hub_api is None:
        from huggingface_hub import HfApi  # imported only in hub mode

        hub_api = HfApi()
    try:
        sha = hub_api.dataset_info(up.repo, revision=up.revision).sha
    except Exception as exc:  # noqa: BLE001 - network, auth, missing repo: all mean "unknown"
        raise UpstreamError(f"input {name!r}: cannot get {up.repo}@{up.revision} from the hub: {type(exc).__name__}: {exc}") from exc
    if not sha:
        raise UpstreamError(f"input {name!r}: the hub returned no commit sha for {up.repo}@{up.revision}")
    return InputVersion(name, str(sha), f"{up.repo}@{up.revision}")


def http_tag(url: str) -> str:
    """ETag or Last-Modified (+ length) of a URL from a HEAD request; the body's hash otherwise."""
    head = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(head, timeout=30) as resp:  # noqa: S310 - recipe-pinned URL
        tag = resp.headers.get("ETag") or resp.headers.get("Last-Modified")
        if tag:
            return f"{tag}|{resp.headers.get('Content-Length', '')}"
    with urllib.request.urlopen(url, timeout=120) as resp:  # noqa: S310
        return hashlib.blake2b(resp.read(), digest_size=16).hexdigest()


def url_version(up: Upstream, name: str = "main", remote_tag: RemoteTag | None = None) -> InputVersion:
    remote_tag = remote_tag or http_tag
    base = up.url.rstrip("/") + "/"
    parts = []
    for file in up.data_files:
        try:
            parts.append(f"{file}\t{remote_tag(base + file)}")
        except Exception as exc:  # noqa: BLE001
            raise UpstreamError(f"input {name!r}: cannot reach {base + file}: {type(exc).__name__}: {exc}") from exc
    return InputVersion(name, _digest(parts), base, tuple(up.data_files))


def input_version(up: Upstream, settings: Settings, name: str = "main", *, hub_api=None,
                  remote_tag: RemoteTag | None = None, cache: DigestCache | None = None) -> InputVersion:
    if settings.mode == "hub":
        return hub_version(up, name, hub_api) if up.on_hub else url_version(up, name, remote_tag)
    return mirror_version(up, settings.mirror_root, name, cache, Layout(settings.home).resolve_cache)


def combine(inputs: list[InputVersion]) -> str:
    """One input: its version as is (a hub sha stays readable). Several: a hash over all of them,
    unless they all agree (two splits of one hub repo share its commit sha)."""
    versions = {i.version for i in inputs}
    if len(versions) == 1:
        return versions.pop()
    return _digest(sorted(f"{i.name}={i.version}" for i in inputs))


def spec_inputs(spec: SourceSpec | BenchmarkSpec, settings: Settings | None = None) -> dict[str, Upstream]:
    """The inputs of a recipe entry: `upstream` and `inputs`, unless the source's converter module
    says itself what it reads with `upstream_inputs(spec, settings) -> {name: Upstream}` (for
    files it picks from options, like one file per book)."""
    if isinstance(spec, SourceSpec):
        from bagel_data.sources import converter_module

        hook = getattr(converter_module(spec), "upstream_inputs", None)
        if hook is not None:
            return dict(hook(spec, settings))
    return {"main": spec.upstream, **spec.inputs}


def version_of(kind: str, spec: SourceSpec | BenchmarkSpec, settings: Settings, *, hub_api=None,
               remote_tag: RemoteTag | None = None) -> UpstreamVersion:
    """The upstream version of one recipe entry; `kind` is "sources" or "benchmarks"."""
    cache = DigestCache(Layout(settings.home).cache_dir / "upstream" / f"{kind}__{spec.name}.json") if settings.mode != "hub" else None
    inputs = [
        input_version(up, settings, name, hub_api=hub_api, remote_tag=remote_tag, cache=cache)
        for name, up in spec_inputs(spec, settings).items()
    ]
    if cache:
        cache.save()
    return UpstreamVersion(combine(inputs), tuple(inputs))


def benchmarks_read_by(spec: SourceSpec, recipe: Recipe) -> list[str]:
    """Benchmarks a source reads besides its own inputs: the names in `options.benchmarks`, and
    `<benchmark>_guard` filters (e.g. `humaneval_guard` reads the humaneval canonical solutions)."""
    named = list(spec.options.get("benchmarks") or [])
    guards = [k.removesuffix("_guard") for k, on in spec.filters.items() if k.endswith("_guard") and on]
    return sorted({b for b in named + guards if b in recipe.benchmarks})


def describe(version: UpstreamVersion) -> Mapping[str, str]:
    """Per-input versions as flat strings (for metadata)."""
    return {i.name: f"{i.version} ({i.where}, {len(i.files)} files, {i.bytes} bytes)" if i.files else f"{i.version} ({i.where})" for i in version.inputs}
