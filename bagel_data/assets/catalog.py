"""The `duckdb_catalog` asset (group `catalog`): refreshes `data/bagel.duckdb`, one view per output.

Its dependencies on every other materializable asset are added by `operations.wire` on the merged
definitions, so it refreshes after anything it reads changed.
"""

import dagster as dg  # no "from __future__ import annotations": Dagster inspects the context annotation

from bagel_data import catalog
from bagel_data.assets.metadata import counts_table, table
from bagel_data.assets.resources import BagelResource
from bagel_data.locks import write_lock
from bagel_data.recipe import Recipe
from bagel_data.storage import Layout

GROUP = "catalog"
CATALOG_KEY = dg.AssetKey("duckdb_catalog")


def _views_table(statuses: list[catalog.ViewStatus]) -> dg.TableMetadataValue:
    rows = [[s.name, s.files, s.state, s.pattern] for s in statuses]
    return table(["view", "files", "state", "pattern"], rows, types={"view": "string", "files": "int", "state": "string", "pattern": "string"})


def build_defs(recipe: Recipe) -> dg.Definitions:
    @dg.asset(
        key=CATALOG_KEY,
        group_name=GROUP,
        description=(
            "DuckDB database with a view over every output (normalized sources, rejects, benchmarks, "
            "contamination tables, SFT/DPO shards, manifests). Query it with `bagel-data query SQL` or "
            "`duckdb data/bagel.duckdb` from the project root."
        ),
        kinds={"duckdb"},
        owners=["team:data"],
        tags={"bagel/role": "catalog"},
    )
    def duckdb_catalog(context: dg.AssetExecutionContext, bagel: BagelResource):
        home = bagel.settings().home
        db_path = Layout(home).duckdb_path
        with write_lock(home, "catalog"):
            statuses = catalog.refresh(home, db_path)
        with catalog.connect(db_path) as con:
            rows = {s.name: con.execute(f'SELECT count(*) FROM "{s.name}"').fetchone()[0] for s in statuses if s.state != "missing"}
        context.log.info(f"catalog {db_path}: " + ", ".join(f"{k}={v}" for k, v in rows.items()))
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(db_path)),
                "views": _views_table(statuses),
                "rows_by_view": counts_table(rows, key="view"),
                "views_with_files": sum(s.state == "files" for s in statuses),
                "views_missing": ", ".join(s.name for s in statuses if s.state == "missing") or "none",
            }
        )

    return dg.Definitions(assets=[duckdb_catalog])
