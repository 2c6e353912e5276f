"""Dagster wiring for the mix: `sft_shards` and `dpo_shards` (group `mix`).

Each asset depends on every enabled source asset and on `contamination_matches` (when the
recipe enables decontamination), calls `bagel_data.mix.build_product` and reports rows per
source through each selection step, dedup drops per source pair, rows per source × format,
length statistics, a preview and one example per prompt format (native tables: the format
tokens `<s>`, `</s>`, `[INST]`, `<<SYS>>` show as text). Its blocking checks are computed on the staged output before
it replaces the previous one; a failing output raises and never reaches `output/<product>`.
A separate blocking check, `live_shards_match_manifest`, re-hashes the shards in place.
"""


import dagster as dg  # no "from __future__ import annotations": Dagster inspects the context annotation
import polars as pl

from bagel_data import schema
from bagel_data.assets.metadata import EXAMPLE_CHARS, cell, column_schema, preview, table
from bagel_data.assets.resources import BagelResource
from bagel_data.mix import MixCheckError, build_product, check_manifest
from bagel_data.mix.checks import CHECK_NAMES, shard_files, target_schema
from bagel_data.mix.manifest import MANIFEST_NAME
from bagel_data.recipe import Recipe
from bagel_data.storage import Layout

GROUP = "mix"
CONTAMINATION_MATCHES = dg.AssetKey("contamination_matches")
SELECTION_COLUMNS = ("rows_in", "decontaminated", "duplicates_within", "duplicates_cross", "sampled_out", "selected", "cap")
EXAMPLE_SCAN_ROWS = 2000  # rows of the first (shuffled) shard searched for one example per format
CHECK_DESCRIPTIONS = {
    "shards_match_manifest": "Every shard listed in manifest.json exists with its sha256 and row count; no unlisted shard.",
    "schema": "Every shard has the product's output schema (bagel_data/schema.py).",
    "no_empty_fields": "No empty or whitespace-only prompt/completion (SFT; text rows have an empty prompt by design) or prompt/chosen/rejected (DPO).",
    "chosen_differs_from_rejected": "In every DPO pair chosen and rejected differ (compared exactly, as the original: answers differing only in whitespace are a pair).",
    "unique_id_format": "(id, format) is unique among sources not exempt from dedup, and (id, source, format) overall.",
    "no_contaminated_rows": (
        "Decontamination: no shard row is one that contamination_matches flagged (a training row that copies, "
        "contains or rewords a benchmark test item)."
    ),
}


def product_key(product: str) -> dg.AssetKey:
    return dg.AssetKey(f"{product}_shards")


def _metadata(report, layout: Layout) -> dict:
    manifest = report.manifest
    selection = manifest["selection"]
    formats = sorted({f for per in manifest["rows_by_source_format"].values() for f in per})
    by_format = [[s, *(per.get(f, 0) for f in formats)] for s, per in manifest["rows_by_source_format"].items()]
    by_format.sort(key=lambda row: (-sum(row[1:]), row[0]))
    first = shard_files(report.folder)[:1]
    head = pl.scan_parquet(first).head(EXAMPLE_SCAN_ROWS).collect() if first else pl.from_arrow(schema.empty(target_schema(report.product)))
    return {
        "dagster/row_count": manifest["rows"],
        "dagster/column_schema": column_schema(target_schema(report.product)),
        "shards": len(manifest["shards"]),
        "manifest": dg.MetadataValue.path(str(report.folder / MANIFEST_NAME)),
        "recipe_digest": manifest["recipe"]["digest"],
        "code_digest": manifest["code"]["digest"],
        "rows_selected": sum(s["selected"] for s in selection.values()),
        "rows_dropped_dedup": sum(s["duplicates_within"] + s["duplicates_cross"] for s in selection.values()),
        "rows_dropped_sampling": sum(s["sampled_out"] for s in selection.values()),
        "rows_decontaminated": manifest["decontamination"]["rows_removed"],
        "rows_by_source_format": table(["source", *formats], by_format, types={"source": "string", **{f: "int" for f in formats}}),
        "examples_by_format": _examples(head),  # the shortest prompt of each format
        "preview": preview(head.drop("messages", strict=False)),
        "selection_by_source": table(
            ["source", *SELECTION_COLUMNS], [[n, *(s[c] for c in SELECTION_COLUMNS)] for n, s in selection.items()],
            types={"source": "string", **{c: "int" for c in SELECTION_COLUMNS}},
        ),
        "dedup_drops": table(
            ["dropped", "kept_by", "rows"], [[d["dropped"], d["kept_by"], d["rows"]] for d in manifest["dedup_drops"]],
            types={"dropped": "string", "kept_by": "string", "rows": "int"},
        ),
        "lengths_chars": dg.MetadataValue.json(manifest["lengths_chars"]),
    }


def _examples(shard: pl.DataFrame) -> dg.TableMetadataValue:
    """One row of each prompt format from the start of the first shard, the one with the shortest
    prompt (so the whole template usually fits), its texts cut at EXAMPLE_CHARS."""
    texts = [c for c in ("prompt", "completion", "chosen", "rejected") if c in shard.columns]
    by_length = shard.with_row_index("_i").sort(pl.col("prompt").str.len_chars(), "_i")
    firsts = by_length.unique("format", keep="first", maintain_order=True).sort("format") if shard.height else shard
    rows = [[r["format"], r["source"], *(cell(r[c], EXAMPLE_CHARS) for c in texts)] for r in firsts.iter_rows(named=True)]
    return table(["format", "source", *texts], rows, types={c: "string" for c in ("format", "source", *texts)})


def build_product_asset(product: str, recipe: Recipe) -> dg.AssetsDefinition:
    key = product_key(product)
    deps = [dg.AssetKey(["sources", s.name]) for s in recipe.enabled_sources()]
    if recipe.decontamination.get("enabled", True):
        deps.append(CONTAMINATION_MATCHES)
    what = "SFT rows (prompt, completion, messages)" if product == "sft" else "DPO pairs (prompt, chosen, rejected)"

    @dg.asset(
        key=key,
        group_name=GROUP,
        deps=deps,
        description=(
            f"{what} as shuffled, zstd Parquet shards with `manifest.json` in `output/{product}`: rows deduplicated "
            "across sources by priority, capped/stratified/weighted per recipe, decontaminated, rendered in the "
            "recipe's prompt formats. Rebuilds are byte-identical."
        ),
        kinds={"polars", "parquet"},
        owners=["team:data"],
        tags={"bagel/role": "output"},
        check_specs=[dg.AssetCheckSpec(name, asset=key, blocking=True, description=CHECK_DESCRIPTIONS[name]) for name in CHECK_NAMES[product]],
    )
    def _shards(context: dg.AssetExecutionContext, bagel: BagelResource):
        layout = Layout(bagel.settings().home)
        try:
            report = build_product(recipe, layout.home, product)
        except MixCheckError as exc:
            failed = {o.name: o.description for o in exc.outcomes if not o.passed}
            raise dg.Failure(description=str(exc), metadata={"failed_checks": dg.MetadataValue.json(failed)}) from exc
        context.log.info(f"{product}: {report.manifest['rows']} rows in {len(report.manifest['shards'])} shard(s) at {report.folder}")
        return dg.MaterializeResult(
            metadata=_metadata(report, layout),
            check_results=[
                dg.AssetCheckResult(check_name=o.name, passed=o.passed, description=o.description, metadata=o.metadata) for o in report.checks
            ],
        )

    return _shards


def build_live_manifest_check(product: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=product_key(product),
        name="live_shards_match_manifest",
        blocking=True,
        description="Re-hash the shards in place: every manifest entry exists with its sha256 and row count, nothing unlisted.",
    )
    def _live(bagel: BagelResource) -> dg.AssetCheckResult:
        outcome = check_manifest(Layout(bagel.settings().home).output(product).resolve())  # one version, even mid-swap
        return dg.AssetCheckResult(passed=outcome.passed, description=outcome.description, metadata=outcome.metadata)

    return _live


def build_defs(recipe: Recipe) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_product_asset(p, recipe) for p in ("sft", "dpo")],
        asset_checks=[build_live_manifest_check(p) for p in ("sft", "dpo")],
    )
