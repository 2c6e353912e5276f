"""Checks of a written output folder (shards + manifest), as pure functions returning outcomes.

The mix runs them on the staging folder before swapping it into place (a failing output never
replaces a good one), the Dagster asset reports them as blocking asset checks, and
`check_manifest` re-verifies the live folder at any time (a corrupted or swapped shard fails).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from bagel_data import schema as schemas
from bagel_data.formats.expand import TEXT_FORMAT
from bagel_data.mix.manifest import MANIFEST_NAME
from bagel_data.mix.render import base_id
from bagel_data.mix.shards import sha256_file

EXAMPLES = 5
ENGINE = "streaming"  # the checks scan every shard: never hold a whole column of texts


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    passed: bool
    description: str
    metadata: dict = field(default_factory=dict)


def target_schema(product: str):
    return schemas.SFT_OUTPUT if product == "sft" else schemas.DPO_OUTPUT


def shard_files(folder: Path) -> list[Path]:
    return sorted(Path(folder).glob("part-*.parquet"))


def _scan(folder: Path) -> pl.LazyFrame:
    return pl.scan_parquet(shard_files(folder))


def check_manifest(folder: Path) -> CheckOutcome:
    """Every shard in the manifest exists with its sha256 and row count; no unlisted shard."""
    name = "shards_match_manifest"
    path = Path(folder) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed = {s["path"]: s for s in manifest["shards"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return CheckOutcome(name, False, f"manifest unreadable: {exc}")
    problems = []
    for file, entry in sorted(listed.items()):
        shard = Path(folder) / file
        if not shard.is_file():
            problems.append(f"{file}: missing")
            continue
        if sha256_file(shard) != entry.get("sha256"):
            problems.append(f"{file}: sha256 mismatch")
        elif pq.ParquetFile(shard).metadata.num_rows != entry.get("rows"):
            problems.append(f"{file}: row count differs from manifest")
        twin = entry.get("jsonl")
        if twin and (not (Path(folder) / twin["path"]).is_file() or sha256_file(Path(folder) / twin["path"]) != twin.get("sha256")):
            problems.append(f"{twin['path']}: missing or sha256 mismatch")
    problems += [f"{p.name}: not in manifest" for p in shard_files(folder) if p.name not in listed]
    desc = "all shards match the manifest" if not problems else "; ".join(problems[:EXAMPLES])
    return CheckOutcome(name, not problems, desc, {"shards": len(listed), "problems": len(problems)})


def check_schema(folder: Path, product: str) -> CheckOutcome:
    target = target_schema(product)
    bad = [p.name for p in shard_files(folder) if not pq.read_schema(p).remove_metadata().equals(target)]
    desc = f"{len(bad)} shard(s) differ from the {product} schema: {bad[:EXAMPLES]}" if bad else f"every shard has the {product} schema"
    return CheckOutcome("schema", not bad, desc, {"bad_shards": len(bad)})


def _blank(col: str) -> pl.Expr:
    """Null, empty or whitespace only (a regex test: no stripped copy of long texts)."""
    return pl.col(col).is_null() | ~pl.col(col).str.contains(r"\S")


def check_non_empty(folder: Path, product: str) -> CheckOutcome:
    """No empty prompt/completion (SFT; text rows have an empty prompt by design) or
    prompt/chosen/rejected (DPO)."""
    if product == "sft":
        rules = {"prompt": _blank("prompt") & (pl.col("format") != TEXT_FORMAT), "completion": _blank("completion")}
    else:
        rules = {c: _blank(c) for c in ("prompt", "chosen", "rejected")}
    counts = _scan(folder).select(**{k: v.sum() for k, v in rules.items()}).collect(engine=ENGINE).row(0, named=True)
    bad = {k: int(v or 0) for k, v in counts.items()}
    passed = not any(bad.values())
    return CheckOutcome("no_empty_fields", passed, "no empty fields" if passed else f"empty fields: {bad}", {f"empty_{k}": v for k, v in bad.items()})


def check_chosen_differs(folder: Path) -> CheckOutcome:
    # exact comparison, as the original's `chosen != rejected`: answers differing in whitespace only are a pair
    same = _scan(folder).filter(pl.col("chosen") == pl.col("rejected")).select("id").collect(engine=ENGINE)
    desc = "chosen differs from rejected everywhere" if same.is_empty() else f"{same.height} pair(s) with chosen == rejected, e.g. {same['id'].head(EXAMPLES).to_list()}"
    return CheckOutcome("chosen_differs_from_rejected", same.is_empty(), desc, {"identical_pairs": same.height})


def _duplicates(lf: pl.LazyFrame, keys: list[str]) -> pl.DataFrame:
    """Key combinations occurring more than once: a 64-bit hash per row finds suspects cheaply
    (8 bytes a row, not the strings), then the suspects are compared exactly."""
    hashes = lf.select(pl.struct(keys).hash().alias("h")).collect(engine=ENGINE)["h"]
    suspects = hashes.filter(hashes.is_duplicated()).unique()
    if suspects.is_empty():
        return pl.DataFrame(schema={k: pl.String for k in keys} | {"len": pl.UInt32})
    exact = lf.filter(pl.struct(keys).hash().is_in(suspects.implode())).group_by(keys).len()
    return exact.filter(pl.col("len") > 1).collect(engine=ENGINE)


def check_unique(folder: Path, exempt: Iterable[str]) -> CheckOutcome:
    """(id, format) is unique among rows of non-exempt sources (`exempt`: their output `source`
    labels), and (id, source, format) overall."""
    lf = _scan(folder)
    a = _duplicates(lf.filter(~pl.col("source").is_in(sorted(exempt))), ["id", "format"])
    b = _duplicates(lf, ["id", "source", "format"])
    passed = a.is_empty() and b.is_empty()
    examples = pl.concat([a.select("id", "format"), b.select("id", "format")]).head(EXAMPLES).to_dicts()
    desc = "ids unique per format" if passed else f"duplicate (id, format): {a.height}, duplicate (id, source, format): {b.height}, e.g. {examples}"
    return CheckOutcome("unique_id_format", passed, desc, {"duplicate_id_format": a.height, "duplicate_id_source_format": b.height})


def check_decontaminated(folder: Path, removals: pl.Series | None) -> CheckOutcome:
    name = "no_contaminated_rows"
    if removals is None:
        return CheckOutcome(name, True, "decontamination disabled in the recipe", {"removal_ids": 0, "contaminated_rows": 0})
    hits = _scan(folder).filter(base_id(pl.col("id")).is_in(removals.implode())).select("id").collect(engine=ENGINE)
    desc = "no row is in the decontamination removals" if hits.is_empty() else f"{hits.height} contaminated row(s), e.g. {hits['id'].head(EXAMPLES).to_list()}"
    return CheckOutcome(name, hits.is_empty(), desc, {"removal_ids": len(removals), "contaminated_rows": hits.height})


CHECK_NAMES = {
    "sft": ("shards_match_manifest", "schema", "no_empty_fields", "unique_id_format", "no_contaminated_rows"),
    "dpo": ("shards_match_manifest", "schema", "no_empty_fields", "chosen_differs_from_rejected", "unique_id_format", "no_contaminated_rows"),
}


def validate(folder: Path, product: str, *, removals: pl.Series | None, exempt: Iterable[str]) -> list[CheckOutcome]:
    """Every check of `product`, in CHECK_NAMES order."""
    outcomes = [check_manifest(folder), check_schema(folder, product), check_non_empty(folder, product)]
    if product == "dpo":
        outcomes.append(check_chosen_differs(folder))
    outcomes += [check_unique(folder, exempt), check_decontaminated(folder, removals)]
    return outcomes
