"""Dagster wiring, grouped by domain. Each module exposes `build_defs(recipe) -> dg.Definitions`;
`build_definitions` merges them with the shared resources. No data logic lives here."""
