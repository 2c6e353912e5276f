"""Checks of a written output folder (shards + manifest), as pure functions returning outcomes.

The mix runs them on the staging folder before swapping it into place (a failing output never
replaces a good one), the Dagster asset reports them as blocking asset checks, and
`check_manifest` re-verifies the live folder at any time (a corrupted or swapped shard fails).

The content checks (no empty fields, chosen differs from rejected, unique (id, format), no
contaminated row) are one accumulator, `ContentChecks`, fed table by table: the mix feeds it the
rows it hands to the shard writer (no second read of the shards), and `validate` without one
feeds it the written shards, one at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bagel_data import schema as schemas
from bagel_data.formats.expand import TEXT_FORMAT
from bagel_data.mix.manifest import MANIFEST_NAME
from bagel_data.mix.render import base_id
from bagel_data.mix.shards import sha256_file

EXAMPLES = 5


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


def check_manifest(folder: Path, hashed: Iterable[str] = ()) -> CheckOutcome:
    """Every shard in the manifest exists with its sha256 and row count; no unlisted shard.
    `hashed`: shards whose sha256 the build took from the file as written, moments ago (not
    hashed again; linked shards and every later check of the live folder hash them all)."""
    hashed = set(hashed)
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
        if file not in hashed and sha256_file(shard) != entry.get("sha256"):
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


def _blank(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Null, empty or whitespace only (Unicode whitespace, as Python's str.isspace)."""
    return pc.or_kleene(pc.or_kleene(pc.is_null(column), pc.equal(pc.binary_length(column), 0)), pc.utf8_is_space(column)).fill_null(True)


class ContentChecks:
    """The content checks of one output, accumulated over its rows table by table."""

    def __init__(self, product: str, *, removals: pl.Series | None, exempt: Iterable[str]):
        self.product, self.removals, self.exempt = product, removals, sorted(exempt)
        self.fields = ("prompt", "completion") if product == "sft" else ("prompt", "chosen", "rejected")
        self.empty = dict.fromkeys(self.fields, 0)
        self.identical: list[str] = []
        self.identical_count = 0
        self.contaminated: list[str] = []
        self.contaminated_count = 0
        self._keys: list[pl.DataFrame] = []  # id, source, format of every row (short strings)

    def add(self, table: pa.Table) -> None:
        self.add_measured(table.select(["id", "source", "format"]), self.measure(table))

    def measure(self, table: pa.Table) -> dict:
        """The checks' counts that depend on a table's texts: blank fields, identical pairs."""
        empty = {}
        for name in self.fields:
            blank = _blank(table.column(name))
            if self.product == "sft" and name == "prompt":  # text rows have an empty prompt by design
                blank = pc.and_(blank, pc.not_equal(table.column("format"), TEXT_FORMAT))
            empty[name] = int(pc.sum(blank).as_py() or 0)
        identical: list[str] = []
        if self.product == "dpo":
            same = pc.equal(table.column("chosen"), table.column("rejected"))  # exact, as the original's chosen != rejected
            identical = pc.filter(table.column("id"), same).to_pylist()
        return {"empty": empty, "identical": len(identical), "identical_examples": identical[:EXAMPLES]}

    def add_measured(self, keys_table: pa.Table, measured: dict) -> None:
        """Add a table's rows: its (id, source, format) columns and its `measure` counts (possibly
        kept from an earlier build of the same rows)."""
        for name in self.fields:
            self.empty[name] += measured["empty"][name]
        self.identical_count += measured["identical"]
        self.identical += measured["identical_examples"][: max(0, EXAMPLES - len(self.identical))]
        keys = pl.from_arrow(keys_table)
        self._keys.append(keys)
        if self.removals is not None:
            hits = keys.filter(base_id(pl.col("id")).is_in(self.removals.implode()))["id"]
            self.contaminated_count += hits.len()
            self.contaminated += hits.head(max(0, EXAMPLES - len(self.contaminated))).to_list()

    def outcomes(self) -> list[CheckOutcome]:
        """no_empty_fields, [chosen_differs_from_rejected], unique_id_format, no_contaminated_rows."""
        bad = {k: int(v) for k, v in self.empty.items()}
        passed = not any(bad.values())
        out = [CheckOutcome("no_empty_fields", passed, "no empty fields" if passed else f"empty fields: {bad}", {f"empty_{k}": v for k, v in bad.items()})]
        if self.product == "dpo":
            n = self.identical_count
            desc = "chosen differs from rejected everywhere" if not n else f"{n} pair(s) with chosen == rejected, e.g. {self.identical}"
            out.append(CheckOutcome("chosen_differs_from_rejected", not n, desc, {"identical_pairs": n}))
        out.append(self._unique())
        out.append(self._decontaminated())
        return out

    def _unique(self) -> CheckOutcome:
        """(id, format) is unique among rows of non-exempt sources (`exempt`: their output `source`
        labels), and (id, source, format) overall."""
        keys = pl.concat(self._keys) if self._keys else pl.DataFrame(schema={"id": pl.String, "source": pl.String, "format": pl.String})
        a = _duplicates(keys.filter(~pl.col("source").is_in(self.exempt)), ["id", "format"])
        b = _duplicates(keys, ["id", "source", "format"])
        passed = a.is_empty() and b.is_empty()
        examples = pl.concat([a.select("id", "format"), b.select("id", "format")]).head(EXAMPLES).to_dicts()
        desc = "ids unique per format" if passed else f"duplicate (id, format): {a.height}, duplicate (id, source, format): {b.height}, e.g. {examples}"
        return CheckOutcome("unique_id_format", passed, desc, {"duplicate_id_format": a.height, "duplicate_id_source_format": b.height})

    def _decontaminated(self) -> CheckOutcome:
        name = "no_contaminated_rows"
        if self.removals is None:
            return CheckOutcome(name, True, "decontamination disabled in the recipe", {"removal_ids": 0, "contaminated_rows": 0})
        n = self.contaminated_count
        desc = "no row is in the decontamination removals" if not n else f"{n} contaminated row(s), e.g. {self.contaminated}"
        return CheckOutcome(name, not n, desc, {"removal_ids": len(self.removals), "contaminated_rows": n})


def _duplicates(keys: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Key combinations occurring more than once: a 64-bit hash per row finds suspects cheaply,
    then the suspects are compared exactly."""
    hashes = keys.select(pl.struct(columns).hash().alias("h"))["h"]
    suspects = hashes.filter(hashes.is_duplicated()).unique()
    if suspects.is_empty():
        return pl.DataFrame(schema={k: pl.String for k in columns} | {"len": pl.UInt32})
    exact = keys.filter(pl.struct(columns).hash().is_in(suspects.implode())).group_by(columns).len()
    return exact.filter(pl.col("len") > 1)


CHECK_NAMES = {
    "sft": ("shards_match_manifest", "schema", "no_empty_fields", "unique_id_format", "no_contaminated_rows"),
    "dpo": ("shards_match_manifest", "schema", "no_empty_fields", "chosen_differs_from_rejected", "unique_id_format", "no_contaminated_rows"),
}


def validate(
    folder: Path, product: str, *, removals: pl.Series | None, exempt: Iterable[str], content: ContentChecks | None = None, hashed: Iterable[str] = ()
) -> list[CheckOutcome]:
    """Every check of `product`, in CHECK_NAMES order; the content checks from `content` (fed with
    the rows as they were written) or, without it, from the shards read back one at a time."""
    outcomes = [check_manifest(folder, hashed), check_schema(folder, product)]
    if content is None:
        content = ContentChecks(product, removals=removals, exempt=exempt)
        for shard in shard_files(folder):
            content.add(pq.read_table(shard))
    return outcomes + content.outcomes()
