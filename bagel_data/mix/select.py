"""Which normalized rows enter a product: decontamination removals, cross-source dedup by
priority, then per-source caps, weights and strata.

Sources are taken in (priority, name) order. For each: rows whose id is in the removals go;
repeated ids within the source keep their first row; unless the source is exempt (DPO-only),
ids already kept by an earlier source are dropped (counted per (dropped, kept_by) pair); then
the cap is sampled and the kept ids join the taken set. As in the original, dedup runs against
the rows earlier sources *kept*, so an instruction a higher-priority source sampled away can
still come from a lower-priority one. SFT (instructions + texts) and DPO (preferences) are
separate id spaces: one instruction may be both an SFT row and a DPO prompt.

Only ids, categories and turn counts are kept here; the texts are gathered later (`render`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from bagel_data.mix.config import MixConfig
from bagel_data.mix.sampling import sample, target_size
from bagel_data.recipe import Recipe, SourceSpec
from bagel_data.storage import Layout

PARTS = {"sft": ("instructions", "texts"), "dpo": ("preferences",)}
_CANDIDATE_SCHEMA = {"origin": pl.String, "part": pl.String, "row": pl.UInt32, "id": pl.String, "category": pl.String, "turns": pl.UInt32}


class MixInputError(RuntimeError):
    """A normalized part or the decontamination matches the mix needs are missing or unreadable."""


@dataclass
class SourceStats:
    """Rows of one source through the selection, for metadata and the manifest."""

    rows_in: int = 0
    decontaminated: int = 0
    duplicates_within: int = 0
    duplicates_cross: int = 0
    sampled_out: int = 0
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


def ordered_sources(recipe: Recipe) -> list[SourceSpec]:
    return sorted(recipe.enabled_sources(), key=lambda s: (s.priority, s.name))


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


def select_rows(recipe: Recipe, config: MixConfig, layout: Layout, product: str, removals: pl.Series | None) -> Selection:
    taken = pl.DataFrame(schema={"id": pl.String, "kept_by": pl.String})
    chosen: list[pl.DataFrame] = []
    drops: list[pl.DataFrame] = []
    stats: dict[str, SourceStats] = {}
    for spec in ordered_sources(recipe):
        cand = pl.concat([scan_candidates(layout, spec.name, part) for part in PARTS[product]]).collect()
        st = stats[spec.name] = SourceStats(rows_in=cand.height, exempt=spec.name in config.exempt)
        if removals is not None and len(removals):
            clean = cand.filter(~pl.col("id").is_in(removals.implode()))
            st.decontaminated, cand = cand.height - clean.height, clean
        unique = cand.unique(subset="id", keep="first", maintain_order=True)
        st.duplicates_within, cand = cand.height - unique.height, unique
        if not st.exempt and taken.height:
            lost = cand.join(taken, on="id", how="inner").group_by("kept_by").len("rows").sort("kept_by")
            drops.append(lost.select(pl.lit(spec.name).alias("dropped"), "kept_by", "rows"))
            cand = cand.join(taken, on="id", how="anti", maintain_order="left")
            st.duplicates_cross = int(lost["rows"].sum())
        st.cap = recipe.effective_cap(spec, cand.height)
        keep = target_size(cand.height, st.cap, spec.weight)
        picked = sample(cand, keep, seed=config.seed, salt=f"sample:{spec.name}", stratify=bool(spec.stratify_by), mode=config.stratify)
        st.sampled_out, st.selected = cand.height - picked.height, picked.height
        chosen.append(picked)
        if not st.exempt:
            taken = pl.concat([taken, picked.select("id", pl.lit(spec.name).alias("kept_by"))])
    rows = pl.concat(chosen) if chosen else pl.DataFrame(schema=_CANDIDATE_SCHEMA)
    selection = Selection(rows=rows.cast(_CANDIDATE_SCHEMA), stats=stats)
    if drops:
        selection.dedup_drops = pl.concat([d.cast({"rows": pl.UInt32}) for d in drops]).filter(pl.col("rows") > 0)
    return selection
