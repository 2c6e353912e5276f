"""The mix settings of a recipe (`mix:` and `shards:` sections), parsed and validated once.

Keys (all optional):
- mix.formats_per_row (int, default: every format): k formats per instruction row, evenly rotated;
- mix.dpo_formats_per_row (int, default: formats_per_row): the same for preference pairs;
- mix.stratify (proportional | balanced, default proportional, as the original's stratified
  split): how a capped source with `stratify_by` shares its cap among strata (`sampling.allocate`);
- mix.exempt_from_dedup (list): sources outside cross-source dedup: they neither drop ids earlier
  sources took nor add their own (the original's bluemoon, capybara, emobank, pippa, orca_dpo_pairs,
  truthy, toxic);
- mix.shared_id_space (bool, default true): SFT and DPO parts share one taken-id set, as the
  original's; false traces each product on its own;
- mix.dpo_system (bool, default false): render a DPO pair's own system prompt into its prompt
  (the original rendered the user prompt alone);
- mix.render_chunk_rows (int, default 100000): output rows rendered at a time, and about the
  rows per shuffle bucket (`spill`): bounds memory; rows and their order do not depend on it;
- mix.workers (int, default: the machine's cores, at most 4): threads that plan the sources'
  parts and render and write shards side by side (`parts`, `merge`); 1 does one thing at a time.
  Never changes the output;
- mix.part_compression: accepted for recipes of earlier versions and ignored (parts keep no
  text since the shards are rendered straight from the source rows; see `parts`);
- shards.rows_per_shard or shards.bytes_per_shard (uncompressed text bytes): shard size;
- shards.compression (default zstd), shards.compression_level, shards.row_group_rows;
- shards.jsonl (bool): also write each shard as `part-NNNNN.jsonl`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bagel_data.formats.templates import FORMATS
from bagel_data.recipe import Recipe, RecipeError
from bagel_data.threads import cores

STRATIFY_MODES = ("balanced", "proportional")
PRODUCTS = ("sft", "dpo")


@dataclass(frozen=True)
class MixConfig:
    seed: int
    formats: tuple[str, ...]
    formats_per_row: int
    dpo_formats_per_row: int
    stratify: str
    exempt: frozenset[str]
    render_chunk_rows: int
    rows_per_shard: int | None
    bytes_per_shard: int | None
    compression: str
    compression_level: int | None
    row_group_rows: int
    jsonl: bool
    default_system_probability: float
    shared_id_space: bool = True
    dpo_system: bool = False
    workers: int = 1

    def k(self, product: str) -> int:
        return self.formats_per_row if product == "sft" else self.dpo_formats_per_row

    def as_manifest(self) -> dict:
        """The settings that shape the output bytes, recorded in the manifest."""
        return {
            "formats": list(self.formats),
            "formats_per_row": self.formats_per_row,
            "dpo_formats_per_row": self.dpo_formats_per_row,
            "stratify": self.stratify,
            "exempt_from_dedup": sorted(self.exempt),
            "rows_per_shard": self.rows_per_shard,
            "bytes_per_shard": self.bytes_per_shard,
            "compression": self.compression,
            "compression_level": self.compression_level,
            "row_group_rows": self.row_group_rows,
            "jsonl": self.jsonl,
            "render_chunk_rows": self.render_chunk_rows,
            "seed": self.seed,
            "default_system_probability": self.default_system_probability,
            "shared_id_space": self.shared_id_space,
            "dpo_system": self.dpo_system,
        }


def _positive(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RecipeError(f"recipe {what} must be a positive integer, got {value!r}")
    return value


def _flag(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise RecipeError(f"recipe {what} must be true or false, got {value!r}")
    return value


def mix_config(recipe: Recipe) -> MixConfig:
    mix, shards = recipe.mix, recipe.shards
    unknown = [f for f in recipe.formats if f not in FORMATS]
    if unknown or not recipe.formats:
        raise RecipeError(f"recipe formats {list(recipe.formats)}: unknown {unknown}; known {sorted(FORMATS)}")
    n = len(recipe.formats)
    k = _positive(mix.get("formats_per_row", n), "mix.formats_per_row")
    k_dpo = _positive(mix.get("dpo_formats_per_row", k), "mix.dpo_formats_per_row")
    if k > n or k_dpo > n:
        raise RecipeError(f"recipe mix.formats_per_row ({k}, dpo {k_dpo}) exceeds the {n} formats")
    stratify = str(mix.get("stratify", "proportional"))
    if stratify not in STRATIFY_MODES:
        raise RecipeError(f"recipe mix.stratify must be one of {STRATIFY_MODES}, got {stratify!r}")
    rows, size = shards.get("rows_per_shard"), shards.get("bytes_per_shard")
    if (rows is None) == (size is None):
        raise RecipeError("recipe shards: set exactly one of rows_per_shard and bytes_per_shard")
    level = shards.get("compression_level")
    exempt = frozenset(str(s) for s in mix.get("exempt_from_dedup") or ())
    return MixConfig(
        seed=recipe.seed,
        formats=tuple(recipe.formats),
        formats_per_row=k,
        dpo_formats_per_row=k_dpo,
        stratify=stratify,
        exempt=exempt,
        render_chunk_rows=_positive(mix.get("render_chunk_rows", 100_000), "mix.render_chunk_rows"),
        rows_per_shard=None if rows is None else _positive(rows, "shards.rows_per_shard"),
        bytes_per_shard=None if size is None else _positive(size, "shards.bytes_per_shard"),
        compression=str(shards.get("compression", "zstd")),
        compression_level=None if level is None else int(level),
        row_group_rows=_positive(shards.get("row_group_rows", 10_000), "shards.row_group_rows"),
        jsonl=bool(shards.get("jsonl", False)),
        default_system_probability=recipe.default_system_probability,
        shared_id_space=_flag(mix.get("shared_id_space", True), "mix.shared_id_space"),
        dpo_system=_flag(mix.get("dpo_system", False), "mix.dpo_system"),
        workers=_positive(mix.get("workers", default_workers()), "mix.workers"),
    )


def default_workers() -> int:
    return max(1, min(4, cores()))

