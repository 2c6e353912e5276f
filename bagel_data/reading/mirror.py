"""Which files of a local hub-layout folder hold one (config, split) of a dataset.

`datasets` decides, exactly as `load_dataset` would for a local copy of the repo: its
`load_dataset_builder` on the folder reads the README `configs:` YAML, falls back to its split-name
conventions (`data/train-0000x-of-0000y.*`, `train.jsonl`, `train/`, ... else every data file is
`train`), applies the recipe's `data_files` / config name, and keeps only the files of the inferred
format. It runs offline and prepares nothing. On top of that we check what `datasets` lets pass:

- every path read stays inside the repo folder (no absolute or `..` pattern in a README or the
  recipe, no symlink pointing out): `UnsafePath`;
- a directory where a matched data file should be is an error, not silently skipped;
- every explicit `data_files` pattern matches at least one file.

Two hub conventions are applied in both mirror and hub modes: `split: all` is every split of the
config (datasets' `Split.ALL`), and on the parquet-conversion branch (`revision:
refs/convert/parquet`) a config is the folder `<config>/` the conversion wrote it to. A mirror
folder that declares no configs at all reads a config name the same way, when that folder exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from bagel_data.recipe import Upstream
from bagel_data.storage import code_digest, write_json

ALL_SPLITS = "all"
PARQUET_EXPORT = "refs/convert/parquet"
STEERING_FILES = ("README.md", "dataset_infos.json")  # besides dataset scripts (*.py): what `datasets` reads beyond names
DATA_EXTENSIONS = (".parquet", ".jsonl", ".json", ".csv", ".tsv", ".txt", ".jsonl.gz", ".json.gz")


class UnsafePath(ValueError):
    """A path to read points outside the mirror folder (absolute, `..`, or a symlink out)."""


def load_arguments(up: Upstream) -> dict[str, Any]:
    """Config name, data_dir and data_files as `datasets` takes them, for hub and mirror alike."""
    name, data_dir = up.config, None
    if up.revision == PARQUET_EXPORT and up.config and not up.data_files:
        name, data_dir = None, up.config
    args: dict[str, Any] = {"name": name}
    if data_dir:
        args["data_dir"] = data_dir
    if up.data_files:  # the recipe's files are the split it names (a bare list would be "train")
        args["data_files"] = list(up.data_files) if up.split == ALL_SPLITS else {up.split: list(up.data_files)}
    return args


def _offline() -> None:
    """Local folders need no network; make sure `datasets` never tries (effective before its import)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def check_pattern(pattern: str, where: str) -> None:
    """A pattern relative to the repo folder that cannot climb out of it."""
    posix = PurePosixPath(pattern.replace("\\", "/"))
    if posix.is_absolute() or Path(pattern).is_absolute() or ".." in posix.parts or "://" in pattern:
        raise UnsafePath(f"{where} {pattern!r} points outside the mirror folder")


def check_inside(path: Path, folder: Path, what: str) -> None:
    """`path`, with every symlink resolved, lies inside `folder` (also resolved)."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise UnsafePath(f"{what} {path} points outside the mirror folder {folder} (resolves to {path.resolve()})")


def _inside(path: Path, repo_dir: Path) -> Path:
    """A resolved file as a path below `repo_dir` (datasets globs under the resolved folder), checked
    to stay inside it once its own symlinks are resolved."""
    for base in (repo_dir, repo_dir.resolve()):
        if path.is_relative_to(base):
            inside = repo_dir / path.relative_to(base)
            check_inside(inside, repo_dir, "data file")
            return inside
    raise UnsafePath(f"data file {path} points outside the mirror folder {repo_dir}")


def _metadata_configs(repo_dir: Path):
    """The README `configs:` as `datasets` parses them (empty when there are none)."""
    _offline()
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    readme = repo_dir / "README.md"
    if not readme.is_file():
        return MetadataConfigs()
    check_inside(readme, repo_dir, "README")
    return MetadataConfigs.from_dataset_card_data(DatasetCard.load(readme).data)


def readme_configs(repo_dir: Path) -> list[str]:
    """Names of the configs the repo's README declares (empty if none)."""
    return list(_metadata_configs(repo_dir)) if repo_dir.is_dir() else []


def _config_patterns(configs) -> list[tuple[str, str]]:
    """(where, pattern) of every data_files path and data_dir in the README configs."""
    from datasets.data_files import sanitize_patterns

    found = []
    for name, params in configs.items():
        if params.get("data_dir"):
            found.append((f"README.md config {name!r} data_dir", str(params["data_dir"])))
        if params.get("data_files") is not None:
            for split, patterns in sanitize_patterns(params["data_files"]).items():
                found += [(f"README.md config {name!r} split {split!r} path", str(p)) for p in patterns]
    return found


def _glob(pattern: str, base: Path) -> dict[str, dict]:
    from datasets.utils.file_utils import xjoin
    from fsspec.implementations.local import LocalFileSystem

    return LocalFileSystem().glob(xjoin(base.as_posix(), pattern), detail=True)


def _directories_named_like_files(patterns: list[str], base: Path) -> list[str]:
    """Directories that a data-file pattern matches and whose name is a data file's (a file
    replaced by a directory); `datasets` would skip them without a word."""
    hits = []
    for pattern in patterns:
        for path, info in _glob(pattern, base).items():
            parts = PurePosixPath(path).relative_to(base.as_posix()).parts if path.startswith(base.as_posix()) else PurePosixPath(path).parts[-1:]
            if not parts:
                continue
            hidden = any(p.startswith((".", "__")) for p in parts)  # datasets ignores these too (e.g. .cache/huggingface/)
            if info.get("type") == "directory" and not hidden and parts[-1].lower().endswith(DATA_EXTENSIONS):
                hits.append(path)
    return sorted(set(hits))


def _explicit_files(repo_dir: Path, patterns: list[str]) -> list[str]:
    """Every pattern must match at least one file (a source must not lose a file silently)."""
    from datasets.data_files import resolve_pattern

    files: list[str] = []
    for pattern in patterns:
        try:
            matched = resolve_pattern(pattern, base_path=repo_dir.as_posix())
        except FileNotFoundError:
            raise FileNotFoundError(f"no file in {repo_dir} matches data_files pattern {pattern!r}") from None
        files += [f for f in matched if f not in files]
    return files


def mirror_arguments(repo_dir: Path, up: Upstream, configs) -> dict[str, Any]:
    """`load_arguments`, plus one convention for folders that declare no configs (a hand-made
    mirror, a parquet conversion): a config name is the folder `<config>/` holding its files."""
    args = load_arguments(up)
    if args.get("name") and "data_files" not in args and not configs and (repo_dir / args["name"]).is_dir():
        args["data_dir"] = args.pop("name")
        args["name"] = None
    return args


def _builder_files(repo_dir: Path, args: dict[str, Any]) -> tuple[dict[str, list[str]], str]:
    """{split: files} of the chosen config as `datasets` resolves them, and the config's name."""
    _offline()
    from datasets import load_dataset_builder

    with tempfile.TemporaryDirectory(prefix="bagel-resolve-") as cache:  # lock files only; nothing prepared
        try:
            builder = load_dataset_builder(repo_dir.as_posix(), cache_dir=cache, **args)
        except (ValueError, FileNotFoundError, RuntimeError) as exc:
            config = args.get("name") or args.get("data_dir")
            raise FileNotFoundError(f"datasets cannot resolve {repo_dir} (config {config!r}): {type(exc).__name__}: {exc}") from None
    return {str(split): list(files) for split, files in (builder.config.data_files or {}).items()}, builder.config.name


def _split_patterns(repo_dir: Path, args: dict[str, Any], config_name: str, configs, splits: list[str]) -> tuple[Path, list[str]]:
    """The folder and patterns `datasets` matched for `splits` (for the directory check)."""
    from datasets.data_files import get_data_patterns, sanitize_patterns

    params = configs.get(config_name) or {}
    data_dir = args.get("data_dir") or params.get("data_dir")
    base = repo_dir / data_dir if data_dir and "data_files" not in args else repo_dir
    if "data_files" in args:
        patterns = sanitize_patterns(args["data_files"])
    elif params.get("data_files") is not None:
        patterns = sanitize_patterns(params["data_files"])
    else:
        try:
            patterns = get_data_patterns(base.as_posix())
        except FileNotFoundError:
            return base, []
    return base, [p for s in splits for p in patterns.get(s, [])]


def resolve_files(repo_dir: Path, up: Upstream, root: Path | None = None, cache: Path | None = None) -> list[Path]:
    """Data files for `up` inside `repo_dir`, in the order `datasets` reads them.

    Raises FileNotFoundError saying what was tried, or UnsafePath for a path leaving the folder
    (`root`, the mirror root, when given: the repo folder itself must lie inside it). With `cache`
    (a folder of the data home), an answer is kept under a key of everything it depends on: the
    folder's tree (every name), the bytes of the README and of any other file that steers
    `datasets`, the input's fields, the `datasets` version and this module's code. A later call
    with the same key skips `datasets` (0.8 s to import in a fresh process, ~20 ms per
    resolution), the paths still checked to exist inside the folder.
    """
    if root is not None:
        check_pattern(up.repo, "repo")
        check_inside(repo_dir, root, "repo folder")
    if cache is None:
        return _resolve_files(repo_dir, up)
    key = _resolution_key(repo_dir, up) if repo_dir.is_dir() else None
    kept = cache / f"{key}.json"
    if key is not None and kept.is_file():
        try:
            names = json.loads(kept.read_text(encoding="utf-8"))
            paths = [_inside(repo_dir / name, repo_dir) for name in names]
            if paths and all(p.is_file() for p in paths):
                return paths
        except (OSError, ValueError, TypeError):
            pass  # a damaged or stale entry: resolve again
    paths = _resolve_files(repo_dir, up)
    if key is not None:
        write_json([p.relative_to(repo_dir).as_posix() for p in paths], kept)
    return paths


def _resolution_key(repo_dir: Path, up: Upstream) -> str:
    """What `_resolve_files` depends on: the folder's tree (names and file types; hidden names,
    which `datasets` ignores, left out) and the bytes of the files that steer `datasets` (the
    README's configs, dataset scripts, `dataset_infos.json`), the input, the `datasets` version,
    this module. Not the data files' sizes or times: editing one keeps the list of files."""
    tree = []
    for folder, dirs, files in os.walk(repo_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        where = os.path.relpath(folder, repo_dir)
        for name in sorted(files) + dirs:
            if not name.startswith("."):
                tree.append([where, name, stat.S_IFMT(os.lstat(os.path.join(folder, name)).st_mode)])
    steering = sorted(p for p in repo_dir.iterdir() if p.is_file() and (p.name in STEERING_FILES or p.suffix == ".py"))
    contents = [[p.name, hashlib.blake2b(p.read_bytes()).hexdigest()] for p in steering]
    fields = [str(repo_dir.resolve()), repr(up), metadata.version("datasets"), code_digest(("reading/mirror.py",)), contents, tree]
    return hashlib.blake2b(json.dumps(fields).encode(), digest_size=16).hexdigest()


def _resolve_files(repo_dir: Path, up: Upstream) -> list[Path]:
    if not repo_dir.is_dir():
        raise FileNotFoundError(f"folder {repo_dir} does not exist")
    for pattern in up.data_files:
        check_pattern(pattern, "recipe data_files pattern")
    if up.url:  # not a hub repo: the recipe lists the files
        if not up.data_files:
            raise FileNotFoundError(f"no data_files listed for {repo_dir}")
        files, patterns, base = _explicit_files(repo_dir, list(up.data_files)), list(up.data_files), repo_dir
    else:
        configs = _metadata_configs(repo_dir)
        for where, pattern in _config_patterns(configs):
            check_pattern(pattern, where)
        args = mirror_arguments(repo_dir, up, configs)
        if args.get("data_dir"):
            check_pattern(args["data_dir"], "config folder")
        if up.data_files:
            _explicit_files(repo_dir, list(up.data_files))
        by_split, config_name = _builder_files(repo_dir, args)
        splits = list(by_split) if up.split == ALL_SPLITS else [up.split]
        missing = [s for s in splits if s not in by_split]
        if missing:
            raise FileNotFoundError(f"split {missing[0]!r} not in config {up.config or config_name!r} (splits {list(by_split)})")
        files = [f for s in splits for f in by_split[s]]
        base, patterns = _split_patterns(repo_dir, args, config_name, configs, splits)
    directories = _directories_named_like_files(patterns, base)
    if directories:
        raise FileNotFoundError(f"{directories[0]} is a directory where a data file was expected")
    paths = [_inside(Path(f), repo_dir) for f in files]
    if not paths:
        raise FileNotFoundError(f"no data files in {repo_dir} for split {up.split!r}")
    return paths
