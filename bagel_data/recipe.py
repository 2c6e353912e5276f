"""The declarative mix recipe (YAML): sources, caps, priorities, filters, benchmarks, thresholds,
formats and seed. Parsed once into frozen dataclasses; everything downstream reads settings here.

The raw YAML is checked against the typed schema in `bagel_data.recipe_schema` first (unknown
keys, types, ranges, formats, converter modules, regexes): a bad recipe fails on load with one
error naming the file, key path and value. Per-source `options`, and the `decontamination`,
`mix` and `shards` sections, are then kept as plain mappings for the modules that read them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: ~10x faster, same result

RECIPES_DIR = Path(__file__).parent / "recipes"
DEFAULT_RECIPE = RECIPES_DIR / "bagel-v0.2.yaml"


class RecipeError(ValueError):
    """The recipe file is missing, unparsable or inconsistent."""


@dataclass(frozen=True)
class Upstream:
    """Where one input of a source or benchmark lives upstream.

    `repo` is a hub dataset id ("allenai/ai2_arc"), or for files hosted elsewhere an origin path
    ("JULIELab/EmoBank", "gutenberg") with `url` the download base used in hub mode. In mirror
    and samples modes both live at `<mirror>/<repo>/...`.
    """

    repo: str
    config: str | None = None
    split: str = "train"
    revision: str = "main"
    data_files: tuple[str, ...] = ()  # glob patterns relative to the repo root
    reader: str | None = None  # parquet | jsonl | json | csv | tsv | text; default: by extension
    url: str | None = None  # non-hub origin: base URL the data_files are fetched from in hub mode

    @property
    def on_hub(self) -> bool:
        return self.url is None


@dataclass(frozen=True)
class SourceSpec:
    name: str
    module: str
    upstream: Upstream
    priority: int = 3
    cap: int | None = None
    enabled: bool = True
    dpo_only: bool = False
    inputs: dict[str, Upstream] = field(default_factory=dict)  # extra named inputs
    filters: dict[str, Any] = field(default_factory=dict)  # refusal, humaneval_guard, ...
    options: dict[str, Any] = field(default_factory=dict)  # converter-specific settings
    stratify_by: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    upstream: Upstream
    inputs: dict[str, Upstream] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipe:
    name: str
    seed: int
    formats: tuple[str, ...]
    sources: dict[str, SourceSpec]
    benchmarks: dict[str, BenchmarkSpec]
    refusal_patterns: tuple[str, ...]
    default_system_probability: float
    default_cap_threshold: int
    default_cap: int
    mix: dict[str, Any]
    shards: dict[str, Any]
    decontamination: dict[str, Any]
    schedule: dict[str, Any]
    path: Path
    digest: str  # sha256 of the recipe's canonical JSON, schedules excluded

    def enabled_sources(self) -> list[SourceSpec]:
        return [s for s in self.sources.values() if s.enabled]


def _upstream(raw: Any, where: str) -> Upstream:
    if not isinstance(raw, dict) or "repo" not in raw:
        raise RecipeError(f"{where}: upstream needs at least a 'repo'")
    files = raw.get("data_files") or ()
    if isinstance(files, str):
        files = (files,)
    known = {"repo", "config", "split", "revision", "data_files", "reader", "url"}
    unknown = set(raw) - known
    if unknown:
        raise RecipeError(f"{where}: unknown upstream keys {sorted(unknown)}")
    return Upstream(
        repo=str(raw["repo"]),
        config=raw.get("config"),
        split=str(raw.get("split", "train")),
        revision=str(raw.get("revision", "main")),
        data_files=tuple(str(f) for f in files),
        reader=raw.get("reader"),
        url=raw.get("url"),
    )


def _source(name: str, raw: dict[str, Any]) -> SourceSpec:
    where = f"source {name!r}"
    return SourceSpec(
        name=name,
        module=str(raw.get("module", name)),
        upstream=_upstream(raw.get("upstream"), where),
        priority=int(raw.get("priority", 3)),
        cap=raw.get("cap"),
        enabled=bool(raw.get("enabled", True)),
        dpo_only=bool(raw.get("dpo_only", False)),
        inputs={k: _upstream(v, f"{where} input {k!r}") for k, v in (raw.get("inputs") or {}).items()},
        filters=dict(raw.get("filters") or {}),
        options=dict(raw.get("options") or {}),
        stratify_by=raw.get("stratify_by"),
        weight=float(raw.get("weight", 1.0)),
    )


def parse_recipe(raw: dict[str, Any], path: Path, check_modules: bool = False) -> Recipe:
    """The Recipe of a raw mapping, after the schema check (`check_modules`: converter modules and
    benchmark kinds must exist too, as `load_recipe` requires; crafted test recipes skip that)."""
    from bagel_data import recipe_schema

    recipe_schema.check(raw, path, check_modules=check_modules)
    try:
        sources = {n: _source(n, r or {}) for n, r in (raw.get("sources") or {}).items()}
        benchmarks = {
            n: BenchmarkSpec(
                name=n,
                upstream=_upstream((r or {}).get("upstream"), f"benchmark {n!r}"),
                inputs={k: _upstream(v, f"benchmark {n!r} input {k!r}") for k, v in ((r or {}).get("inputs") or {}).items()},
                options=dict((r or {}).get("options") or {}),
            )
            for n, r in (raw.get("benchmarks") or {}).items()
        }
        cap_rule = raw.get("default_cap") or {}
        # what shapes the data: everything but operational settings (schedules)
        shaping = {k: v for k, v in raw.items() if k != "schedule"}
        digest = hashlib.sha256(json.dumps(shaping, sort_keys=True, default=str).encode()).hexdigest()
        return Recipe(
            name=str(raw.get("name", path.stem)),
            seed=int(raw.get("seed", 0)),
            formats=tuple(raw.get("formats") or ("alpaca", "vicuna", "chatml", "llama2")),
            sources=sources,
            benchmarks=benchmarks,
            refusal_patterns=tuple(raw.get("refusal_patterns") or ()),
            default_system_probability=float(raw.get("default_system_probability", 0.5)),
            default_cap_threshold=int(cap_rule.get("threshold", 75_000)),
            default_cap=int(cap_rule.get("cap", 50_000)),
            mix=dict(raw.get("mix") or {}),
            shards=dict(raw.get("shards") or {}),
            decontamination=dict(raw.get("decontamination") or {}),
            schedule=dict(raw.get("schedule") or {}),
            path=path,
            digest=digest,
        )
    except (TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, RecipeError):
            raise
        raise RecipeError(f"{path}: {exc}") from exc


def load_recipe(path: str | os.PathLike | None = None) -> Recipe:
    """Load the recipe at `path`, else $BAGEL_DATA_RECIPE, else the shipped bagel-v0.2 recipe."""
    path = Path(path or os.environ.get("BAGEL_DATA_RECIPE") or DEFAULT_RECIPE)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as exc:
        raise RecipeError(f"cannot read recipe {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise RecipeError(f"recipe {path} is not valid YAML: {where}{problem}") from exc
    if not isinstance(raw, dict):
        raise RecipeError(f"recipe {path} must be a mapping")
    return parse_recipe(raw, path, check_modules=True)
