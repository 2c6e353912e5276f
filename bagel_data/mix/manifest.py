"""`manifest.json` of an output: what went in (recipe digest, code version and digest, upstream
revisions, selection counts, the fidelity report: rows per source after each selection rule),
what came out (rows per source × format, token-free length
statistics) and every shard with its row count, size and sha256.

No timestamps, hostnames or absolute paths: equal inputs give a byte-identical manifest. The
code is identified by `bagel_data.__version__` plus `code_digest`, a sha256 over the source
files that shape the output bytes (mix, formats, schema, ids), not by a git commit: a commit
that changes no such file leaves the outputs and their manifest identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import bagel_data
from bagel_data import schema, storage
from bagel_data.mix.config import MixConfig
from bagel_data.recipe import Recipe

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
LENGTH_FIELDS = {"sft": ("prompt", "completion"), "dpo": ("prompt", "chosen", "rejected")}
_CODE_FILES = ("mix/*.py", "formats/*.py", "schema.py", "ids.py")


def code_digest() -> str:
    return storage.code_digest(_CODE_FILES)


class OutputStats:
    """Row counts per (source, format) and text lengths, accumulated chunk by chunk (Arrow tables)."""

    def __init__(self, product: str):
        self.fields = LENGTH_FIELDS[product]
        self._counts: list[pl.DataFrame] = []
        self._lengths: dict[str, list[np.ndarray]] = {f: [] for f in self.fields}

    def add(self, table: pa.Table) -> None:
        self.add_measured(self.measure(table))

    def measure(self, table: pa.Table, lengths: np.ndarray | None = None) -> dict:
        """What `add` keeps of a table: rows per (source, format) and the text lengths (given as
        `lengths`, one column per field in characters, when the renderer measured them)."""
        counts = table.select(["source", "format"]).group_by(["source", "format"]).aggregate([([], "count_all")])
        if lengths is None:
            measured = {name: pc.utf8_length(table.column(name)).to_numpy().astype(np.int64) for name in self.fields}
        else:
            measured = {name: np.ascontiguousarray(lengths[:, i], dtype=np.int64) for i, name in enumerate(self.fields)}
        return {"counts": pl.from_arrow(counts).rename({"count_all": "len"}).cast({"len": pl.Int64}), "lengths": measured}

    def add_measured(self, measured: dict) -> None:
        """Add a table's measurements (from `measure`, possibly kept from an earlier build)."""
        self._counts.append(measured["counts"])
        for name in self.fields:
            self._lengths[name].append(measured["lengths"][name])

    def rows_by_source_format(self) -> dict[str, dict[str, int]]:
        if not self._counts:
            return {}
        total = pl.concat(self._counts).group_by("source", "format").agg(pl.col("len").sum()).sort("source", "format")
        out: dict[str, dict[str, int]] = {}
        for source, fmt, n in total.iter_rows():  # one row per (source, format): a small loop
            out.setdefault(source, {})[fmt] = int(n)
        return out

    def lengths(self) -> dict[str, dict]:
        return {name: length_summary(np.concatenate(parts) if parts else np.zeros(0)) for name, parts in self._lengths.items()}


def length_summary(chars: np.ndarray) -> dict:
    """Character-length statistics (no tokenizer): count, min, mean, percentiles, max, total."""
    if chars.size == 0:
        return {"count": 0}
    pct = {f"p{q}": int(np.percentile(chars, q, method="lower")) for q in (50, 90, 99)}
    return {"count": int(chars.size), "min": int(chars.min()), "mean": round(float(chars.mean()), 2), **pct, "max": int(chars.max()), "total": int(chars.sum())}


def upstream_revisions(paths: dict[str, list[Path]]) -> dict[str, list[dict]]:
    """The (dataset, revision) pairs found in each source's normalized parts."""
    out = {}
    for source, files in paths.items():
        frames = [pl.scan_parquet(f).select("dataset", "revision").unique() for f in files]
        pairs = pl.concat(frames).unique().sort("dataset", "revision").collect() if frames else pl.DataFrame()
        if pairs.height:
            out[source] = pairs.to_dicts()
    return out


def build_manifest(
    *,
    product: str,
    recipe: Recipe,
    config: MixConfig,
    selection_stats: dict,
    dedup_drops: list[dict],
    fidelity: list[dict],
    decontamination: dict,
    upstream: dict,
    stats: OutputStats,
    shards: list[dict],
) -> dict:
    target = schema.SFT_OUTPUT if product == "sft" else schema.DPO_OUTPUT
    return {
        "manifest_version": MANIFEST_VERSION,
        "product": product,
        "recipe": {"name": recipe.name, "digest": recipe.digest, "seed": recipe.seed},
        "code": {"version": bagel_data.__version__, "digest": code_digest()},
        "schema": [{"name": n, "type": t, "nullable": nullable} for n, t, nullable in schema.describe(target)],
        "settings": config.as_manifest(),
        "upstream": upstream,
        "selection": selection_stats,
        "dedup_drops": dedup_drops,
        "fidelity": fidelity,
        "decontamination": decontamination,
        "rows": sum(s["rows"] for s in shards),
        "rows_by_source_format": stats.rows_by_source_format(),
        "lengths_chars": stats.lengths(),
        "shards": shards,
    }
