"""The source asset factory: one asset per enabled recipe source (group `sources`).

Each asset runs its converter (`bagel_data.sources.build_source`), writes the normalized parts
and reports rows in/out, rows dropped per reason, schema, a preview, and what it read (mode,
mirror, upstream revisions). Its data version is a content hash of the parts it wrote, so a
re-materialization with unchanged output does not make anything downstream stale or trigger
automation. An asset check verifies the written parts against the canonical schemas and that
ids are unique per part.
"""


import hashlib

import dagster as dg  # no "from __future__ import annotations": Dagster inspects the context annotation
import polars as pl
import pyarrow.parquet as pq

from bagel_data import schema, upstream
from bagel_data.assets.metadata import PREVIEW_ROWS, column_schema, counts_table, preview, table
from bagel_data.assets.resources import BagelResource
from bagel_data.recipe import Recipe, SourceSpec
from bagel_data.sources import build_source, converter_module
from bagel_data.storage import Layout

GROUP = "sources"
PARTS_CHECK = "parts_match_schema"
PARTS_CHECK_DESCRIPTION = (
    "Re-reads the parts written (instructions, preferences, texts): each has its canonical "
    "schema (bagel_data/schema.py) and no duplicate id. Blocking: a run materializes nothing downstream of a failing source."
)


def source_asset_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["sources", name])


def _kind(spec: SourceSpec) -> str:
    return "dpo" if spec.dpo_only else "sft"


def _description(spec: SourceSpec) -> str:
    doc = (converter_module(spec).__doc__ or "").strip()
    up = spec.upstream
    where = f"`{up.repo}`" + (f" config `{up.config}`" if up.config else "") + f" split `{up.split}` @ `{up.revision}`"
    return f"{doc}\n\nUpstream: {where}. Priority {spec.priority}" + (f", cap {spec.cap}." if spec.cap else ".")


def build_source_asset(spec: SourceSpec, recipe: Recipe) -> dg.AssetsDefinition:
    @dg.asset(
        key=source_asset_key(spec.name),
        group_name=GROUP,
        description=_description(spec),
        kinds={"polars", "parquet"},
        owners=["team:data"],
        tags={"bagel/role": _kind(spec), "bagel/priority": str(spec.priority)},
        metadata={"upstream": spec.upstream.repo, "dagster/column_schema": column_schema(schema.INSTRUCTION)},
        check_specs=[
            dg.AssetCheckSpec(PARTS_CHECK, asset=source_asset_key(spec.name), blocking=True, description=PARTS_CHECK_DESCRIPTION)
        ],
    )
    def _source(context: dg.AssetExecutionContext, bagel: BagelResource):
        settings = bagel.settings()
        result = build_source(spec, recipe, settings)
        main_part = max(("instructions", "preferences", "texts"), key=lambda p: result.rows_out[p])
        version = content_version(Layout(settings.home), spec.name, sorted(result.tables))
        context.log.info(f"{spec.name}: {result.rows_in} rows in, {result.rows_out}, dropped {result.dropped}, data version {version}")
        yield dg.MaterializeResult(
            data_version=dg.DataVersion(version),
            metadata={
                "dagster/row_count": result.total_out,
                "dagster/column_schema": column_schema(schema.NORMALIZED[main_part]),
                "rows_in": result.rows_in,
                **{f"rows_{part}": n for part, n in result.rows_out.items()},
                "rows_dropped": sum(result.dropped.values()),
                "dropped_by_reason": counts_table(result.dropped),
                "preview": preview(_preview_frame(result.tables[main_part])),
                "path": dg.MetadataValue.path(str(Layout(settings.home).normalized(spec.name, main_part).parent)),
                **bagel.provenance(),
                **_revisions(spec, settings),
            },
        )
        yield _check_parts(spec.name, bagel)

    return _source


def content_version(layout: Layout, name: str, parts: list[str]) -> str:
    """sha256 (first 24 hex digits) over the bytes of the parts written (rejects included: the
    catalog reads them). Parquet writes are deterministic, so equal output gives an equal version."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0" + layout.normalized(name, part).read_bytes())
    return digest.hexdigest()[:24]


def _revisions(spec: SourceSpec, settings) -> dict:
    """The upstream revision read (recipe pin; hub mode reads exactly it), one row per input when several."""
    inputs = upstream.spec_inputs(spec, settings)
    main = inputs.get("main") or next(iter(inputs.values()))
    out = {"upstream_revision": f"{main.repo}@{main.revision}"}
    if len(inputs) > 1:
        rows = [[n, up.repo, up.config or "", up.split, up.revision] for n, up in inputs.items()]
        out["upstream_inputs"] = table(["input", "repo", "config", "split", "revision"], rows)
    return out


def _preview_frame(table) -> pl.DataFrame:
    """The preview's columns: content first, row_key last, no provenance repeated on every row,
    no column empty in all the previewed rows."""
    frame = pl.from_arrow(table).head(PREVIEW_ROWS).drop("source", "dataset", "revision", strict=False)
    keep = [c for c in frame.columns if frame[c].null_count() < frame.height or c == "id"]
    order = ["id", *(c for c in keep if c not in ("id", "row_key")), *(["row_key"] if "row_key" in keep else [])]
    return frame.select(order)


def _check_parts(name: str, bagel: BagelResource) -> dg.AssetCheckResult:
    """Re-read what was written: every part has its canonical schema and unique ids."""
    layout = Layout(bagel.settings().home)
    problems = []
    for part, target in schema.NORMALIZED.items():
        table = pq.read_table(layout.normalized(name, part))
        if not table.schema.equals(target):
            problems.append(f"{part}: schema differs")
        elif table.num_rows and pl.from_arrow(table.select(["id"]))["id"].is_duplicated().any():
            problems.append(f"{part}: duplicate ids")
    return dg.AssetCheckResult(
        check_name=PARTS_CHECK, passed=not problems, metadata={"problems": "; ".join(problems) or "none"}
    )


def build_defs(recipe: Recipe) -> dg.Definitions:
    return dg.Definitions(assets=[build_source_asset(spec, recipe) for spec in recipe.enabled_sources()])
