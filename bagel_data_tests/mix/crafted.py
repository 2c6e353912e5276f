"""Crafted normalized parts and recipes for mix tests: sources written straight into a tmp data
home in the canonical schemas, so the mix is tested without any converter."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bagel_data import ids, schema
from bagel_data.recipe import Recipe, parse_recipe
from bagel_data.storage import Layout, write_parquet


def conversation(*texts: str) -> list[dict]:
    """Alternating user/assistant turns from plain strings."""
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(texts)]


def instructions(source: str, convs: list[list[dict]], *, category: list | None = None, system: list | None = None, label: str | None = None) -> pl.DataFrame:
    n = len(convs)
    frame = pl.DataFrame(
        {
            "source": [label or source] * n,
            "dataset": [f"up/{source}"] * n,
            "revision": ["rev1"] * n,
            "row_key": [f"{source}:{i}" for i in range(n)],
            "category": category or [None] * n,
            "system": system or [None] * n,
            "conversation": convs,
        },
        schema_overrides={"conversation": pl.List(pl.Struct({"role": pl.String, "content": pl.String})), "category": pl.String, "system": pl.String},
    )
    return frame.with_columns(ids.instruction_ids(frame["conversation"], frame["system"]).alias("id"))


def preferences(source: str, pairs: list[tuple[str, str, str]], *, system: list | None = None) -> pl.DataFrame:
    n = len(pairs)
    frame = pl.DataFrame(
        {
            "source": [source] * n,
            "dataset": [f"up/{source}"] * n,
            "revision": ["rev1"] * n,
            "row_key": [f"{source}:{i}" for i in range(n)],
            "system": system or [None] * n,
            "prompt": [p[0] for p in pairs],
            "chosen": [p[1] for p in pairs],
            "rejected": [p[2] for p in pairs],
        },
        schema_overrides={"system": pl.String},
    )
    return frame.with_columns(ids.preference_ids(frame["prompt"], frame["system"]).alias("id"))


def texts(source: str, bodies: list[str]) -> pl.DataFrame:
    n = len(bodies)
    frame = pl.DataFrame({"source": [source] * n, "dataset": [f"up/{source}"] * n, "revision": ["rev1"] * n, "row_key": [f"{source}:{i}" for i in range(n)], "text": bodies})
    return frame.with_columns(ids.text_ids(frame["text"]).alias("id"))


def write_source(home: Path, name: str, **parts: pl.DataFrame) -> None:
    """Write all four normalized parts of `name` (parts not given are empty)."""
    layout = Layout(home)
    targets = {**schema.NORMALIZED, "rejects": schema.REJECTS}
    for part, target in targets.items():
        frame = parts.get(part)
        table = schema.empty(target) if frame is None else schema.conform(frame, target, f"{name} {part}")
        write_parquet(table, layout.normalized(name, part))


def write_removals(home: Path, train_ids: list[str]) -> None:
    frame = pl.DataFrame({"train_id": train_ids, "source": ["x"] * len(train_ids), "benchmark": ["b"] * len(train_ids)})
    path = Layout(home).decontam_dir / "matches.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)


def make_recipe(sources: dict[str, dict], *, mix: dict | None = None, shards: dict | None = None, decontamination: bool = False, seed: int = 7, **extra) -> Recipe:
    raw = {
        "name": "crafted",
        "seed": seed,
        "formats": ["alpaca", "vicuna", "chatml", "llama2"],
        "mix": {"exempt_from_dedup": [], **(mix or {})},
        "shards": shards or {"rows_per_shard": 1000},
        "decontamination": {"enabled": decontamination},
        "sources": {name: {"upstream": {"repo": f"up/{name}"}, **spec} for name, spec in sources.items()},
        **extra,
    }
    return parse_recipe(raw, Path("crafted.yaml"))
