"""Which normalized rows enter the mix, traced rule by rule, the way bagel v0.2 took them.

Sources are taken in descending priority (ties by name), as the original did. For each source,
in this order (the original's):
1. duplicate_within: a repeated id within one part of the source keeps its first row;
2. own_sampling: the source's recipe cap (scaled by its weight, shared among strata when
   `stratify_by` is set) picks ids by seeded coin;
3. duplicate_cross: ids an earlier source already took are dropped (unless the source is exempt:
   it neither checks nor adds ids); the survivors' ids join the taken set;
4. default_cap: a source still holding `default_cap.threshold` ids or more is cut to
   `default_cap.cap` by coin (its ids stay taken, as in the original, where the cut came after
   the id set was filled);
5. decontamination: ids in the removals go.
The unit of sampling is the id, so a row present in several parts of a source (an airoboros
rewrite is an SFT conversation and a DPO pair) is kept or dropped as one. With
`mix.shared_id_space` (the default, as the original's one id set) SFT and DPO parts of all
sources share one taken set; otherwise each product is traced on its own.

The trace (`trace_rows`) keeps one record per candidate row with the rule that dropped it, so
the fidelity report (rows per source before and after each rule) and the selection come from
one frame. Only ids, categories and turn counts are read here; texts are gathered later. With
a shared id space the SFT and DPO outputs need the same trace: it is kept in the data home's
cache under a fingerprint of its inputs (`cached_trace`), so the second product reads it back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from bagel_data import ids
from bagel_data.mix.config import MixConfig
from bagel_data.mix.sampling import sample, target_size
from bagel_data.recipe import Recipe, SourceSpec
from bagel_data.storage import Layout, code_digest, write_cache_parquet

PARTS = {"sft": ("instructions", "texts"), "dpo": ("preferences",)}
RULES = ("duplicate_within", "own_sampling", "duplicate_cross", "default_cap", "decontamination")
_CANDIDATE_SCHEMA = {"origin": pl.String, "part": pl.String, "row": pl.UInt32, "id": pl.String, "category": pl.String, "turns": pl.UInt32}
_TRACE_SCHEMA = {**_CANDIDATE_SCHEMA, "dropped_by": pl.String, "kept_by": pl.String}


class MixInputError(RuntimeError):
    """A normalized part or the decontamination matches the mix needs are missing or unreadable."""

SELECTION_MODULES = ("ids.py", "mix/sampling.py", "mix/select.py")  # the code a cached trace comes from


@dataclass
class SourceStats:
    """Rows of one source (one product's parts) through the rules, for metadata and the manifest."""

    rows_in: int = 0
    duplicates_within: int = 0
    sampled_out: int = 0
    duplicates_cross: int = 0
    default_capped: int = 0
    decontaminated: int = 0
    selected: int = 0
    cap: int | None = None
    exempt: bool = False

    def as_dict(self) -> dict:
        return dict(vars(self))


@dataclass
class Selection:
    rows: pl.DataFrame  # origin, part, row (index in the part file), id, category, turns
    stats: dict[str, SourceStats] = field(default_factory=dict)
    dedup_drops: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema={"dropped": pl.String, "kept_by": pl.String, "rows": pl.UInt32}))
    trace: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_TRACE_SCHEMA))


def ordered_sources(recipe: Recipe) -> list[SourceSpec]:
    """Enabled sources in the order they are taken: priority 3 before 2 before 1, then by name."""
    return sorted(recipe.enabled_sources(), key=lambda s: (-s.priority, s.name))


def part_path(layout: Layout, source: str, part: str) -> Path:
    path = layout.normalized(source, part)
    if not path.is_file():
        raise MixInputError(f"normalized part missing: {path} (has source asset {source!r} been materialized?)")
    return path


def scan_candidates(layout: Layout, source: str, part: str) -> pl.LazyFrame:
    """Ids, strata and assistant turns (output rows per format) of one normalized part, with
    each row's index in the file."""
    lf = pl.scan_parquet(part_path(layout, source, part)).with_row_index("row")
    if part == "instructions":
        category, turns = pl.col("category"), pl.col("conversation").list.len() // 2
    else:
        category, turns = pl.lit(None, dtype=pl.String), pl.lit(1)
    return lf.select(pl.lit(source).alias("origin"), pl.lit(part).alias("part"), "row", "id", category.alias("category"), turns.cast(pl.UInt32).alias("turns"))


def load_removals(recipe: Recipe, layout: Layout) -> pl.Series | None:
    """Ids to remove (decontamination `train_id`s), or None when the recipe disables it."""
    if not recipe.decontamination.get("enabled", True):
        return None
    path = layout.decontam_dir / "matches.parquet"
    if not path.is_file():
        raise MixInputError(f"decontamination is enabled but {path} is missing (materialize contamination_matches)")
    try:
        return pl.scan_parquet(path).select(pl.col("train_id").cast(pl.String)).unique().collect()["train_id"].sort()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise MixInputError(f"cannot read decontamination matches {path}: {exc}") from exc


def _drop(frame: pl.DataFrame, rule: str, mask: pl.Expr) -> pl.DataFrame:
    """Mark still-kept rows matching `mask` as dropped by `rule`."""
    return frame.with_columns(pl.when(pl.col("dropped_by").is_null() & mask).then(pl.lit(rule)).otherwise(pl.col("dropped_by")).alias("dropped_by"))


def _kept_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """One record per id still kept (its first row's category), in file order."""
    return frame.filter(pl.col("dropped_by").is_null()).unique(subset="id", keep="first", maintain_order=True)


def _trace_source(cand: pl.DataFrame, spec: SourceSpec, recipe: Recipe, config: MixConfig, taken: pl.DataFrame, removals: pl.Series | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the five rules to one source's candidates; return its trace and the new taken set."""
    frame = cand.with_columns(pl.lit(None, dtype=pl.String).alias("dropped_by"), pl.lit(None, dtype=pl.String).alias("kept_by"))
    frame = _drop(frame, "duplicate_within", pl.struct("part", "id").is_first_distinct().not_())
    units = _kept_ids(frame)
    keep = target_size(units.height, spec.cap, spec.weight)
    picked = sample(units, keep, seed=config.seed, salt=f"sample:{spec.name}", stratify=bool(spec.stratify_by), mode=config.stratify)
    frame = _drop(frame, "own_sampling", pl.col("id").is_in(picked["id"].implode()).not_())
    exempt = spec.name in config.exempt
    if not exempt and taken.height:
        frame = frame.join(taken.rename({"kept_by": "__by"}), on="id", how="left", maintain_order="left")
        frame = _drop(frame, "duplicate_cross", pl.col("__by").is_not_null())
        frame = frame.with_columns(pl.when(pl.col("dropped_by") == "duplicate_cross").then(pl.col("__by")).otherwise(pl.col("kept_by")).alias("kept_by")).drop("__by")
    units = _kept_ids(frame)
    if not exempt:
        taken = pl.concat([taken, units.select("id", pl.lit(spec.name).alias("kept_by"))])
    if units.height >= recipe.default_cap_threshold:
        coin = pl.Series("__coin", ids.coins(units["id"], config.seed, f"default_cap:{spec.name}"))
        survivors = units.with_columns(coin).sort("__coin", maintain_order=True).head(recipe.default_cap)["id"]
        frame = _drop(frame, "default_cap", pl.col("id").is_in(survivors.implode()).not_())
    if removals is not None and len(removals):
        frame = _drop(frame, "decontamination", pl.col("id").is_in(removals.implode()))
    return frame, taken


def trace_rows(recipe: Recipe, config: MixConfig, layout: Layout, products: tuple[str, ...], removals: pl.Series | None) -> pl.DataFrame:
    """Every candidate row of the products' parts, with the rule that dropped it (null: kept)
    and, for cross-source duplicates, the source that kept the id."""
    parts = [p for product in products for p in PARTS[product]]
    taken = pl.DataFrame(schema={"id": pl.String, "kept_by": pl.String})
    traces = []
    specs = ordered_sources(recipe)
    # every source's candidates read at once (Polars runs the scans in parallel), traced in order
    candidates = pl.collect_all([pl.concat([scan_candidates(layout, spec.name, part) for part in parts]) for spec in specs])
    for spec, cand in zip(specs, candidates):
        trace, taken = _trace_source(cand.cast(_CANDIDATE_SCHEMA), spec, recipe, config, taken, removals)
        traces.append(trace.select(list(_TRACE_SCHEMA)).cast(_TRACE_SCHEMA))
    return pl.concat(traces) if traces else pl.DataFrame(schema=_TRACE_SCHEMA)


def _stats(trace: pl.DataFrame, recipe: Recipe, config: MixConfig) -> dict[str, SourceStats]:
    counts = trace.group_by("origin", "dropped_by").len()
    stats = {}
    for spec in ordered_sources(recipe):
        mine = dict(counts.filter(pl.col("origin") == spec.name).select("dropped_by", "len").iter_rows())
        stats[spec.name] = SourceStats(
            rows_in=sum(mine.values()),
            duplicates_within=mine.get("duplicate_within", 0),
            sampled_out=mine.get("own_sampling", 0),
            duplicates_cross=mine.get("duplicate_cross", 0),
            default_capped=mine.get("default_cap", 0),
            decontaminated=mine.get("decontamination", 0),
            selected=mine.get(None, 0),
            cap=spec.cap,
            exempt=spec.name in config.exempt,
        )
    return stats


def fidelity_report(trace: pl.DataFrame, recipe: Recipe, product: str) -> pl.DataFrame:
    """Rows per source of one product before and after each rule, in the order taken:
    source, priority, rows_in, then after_<rule> for every rule (the last one is the selection)."""
    mine = trace.filter(pl.col("part").is_in(list(PARTS[product])))
    counts = mine.group_by("origin", "dropped_by").len()
    order = {spec.name: (i, spec.priority) for i, spec in enumerate(ordered_sources(recipe))}
    rows = []
    for name, (_, priority) in order.items():
        got = dict(counts.filter(pl.col("origin") == name).select("dropped_by", "len").iter_rows())
        left = sum(got.values())
        row = {"product": product, "source": name, "priority": priority, "rows_in": left}
        for rule in RULES:
            left -= got.get(rule, 0)
            row[f"after_{rule}"] = left
        rows.append(row)
    columns = {"product": pl.String, "source": pl.String, "priority": pl.Int64, "rows_in": pl.Int64} | {f"after_{r}": pl.Int64 for r in RULES}
    return pl.DataFrame(rows, schema=columns)


def trace_fingerprint(recipe: Recipe, config: MixConfig, layout: Layout, products: tuple[str, ...], removals: pl.Series | None) -> str:
    """What a trace depends on: the recipe, the mix settings, the selection code, every normalized
    part it reads (path, size, mtime, inode) and the removed ids."""
    parts = [p for product in products for p in PARTS[product]]
    files = []
    for spec in ordered_sources(recipe):
        for part in parts:
            stat = part_path(layout, spec.name, part).stat()
            files.append([spec.name, part, stat.st_size, stat.st_mtime_ns, stat.st_ino])
    digest = hashlib.blake2b(json.dumps([recipe.digest, config.as_manifest(), code_digest(SELECTION_MODULES), products, files], sort_keys=True, default=str).encode(), digest_size=12)
    digest.update(b"none" if removals is None else "\n".join(removals.to_list()).encode())
    return digest.hexdigest()


def cached_trace(recipe: Recipe, config: MixConfig, layout: Layout, products: tuple[str, ...], removals: pl.Series | None) -> pl.DataFrame:
    """`trace_rows`, read back from `<cache>/mix/trace-<fingerprint>.parquet` when an earlier
    build (the other product) traced the same inputs; written there otherwise (the last two kept)."""
    folder = layout.cache_dir / "mix"
    path = folder / f"trace-{trace_fingerprint(recipe, config, layout, products, removals)}.parquet"
    if path.is_file():
        try:
            return pl.read_parquet(path).cast(_TRACE_SCHEMA)
        except (pl.exceptions.PolarsError, OSError):
            path.unlink(missing_ok=True)  # a damaged cache file: trace again
    trace = trace_rows(recipe, config, layout, products, removals)
    write_cache_parquet(trace, path)
    for old in sorted(folder.glob("trace-*.parquet"), key=lambda p: p.stat().st_mtime_ns)[:-2]:
        old.unlink(missing_ok=True)
    return trace


def select_rows(recipe: Recipe, config: MixConfig, layout: Layout, product: str, removals: pl.Series | None) -> Selection:
    """The rows of one product, with per-source stats, cross-source drops and the trace."""
    products = tuple(PARTS) if config.shared_id_space else (product,)
    trace = cached_trace(recipe, config, layout, products, removals)
    mine = trace.filter(pl.col("part").is_in(list(PARTS[product])))
    rows = mine.filter(pl.col("dropped_by").is_null()).select(list(_CANDIDATE_SCHEMA))
    drops = (
        mine.filter(pl.col("dropped_by") == "duplicate_cross")
        .group_by(pl.col("origin").alias("dropped"), "kept_by")
        .agg(pl.len().cast(pl.UInt32).alias("rows"))
        .sort("dropped", "kept_by")
    )
    return Selection(rows=rows, stats=_stats(mine, recipe, config), dedup_drops=drops, trace=trace)
