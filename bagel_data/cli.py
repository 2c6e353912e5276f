"""`bagel-data`: build, query, scan and inspect the pipeline from a shell.

    bagel-data build [SELECTION ...]   materialize everything, or a selection, in this process
    bagel-data query "SQL"             run SQL against the DuckDB catalog, print a table
    bagel-data scan ...                decontamination scan (bagel_data.decontam.scan)
    bagel-data status                  last materialization, upstream versions, stale assets

Every command takes --recipe, --mode, --mirror and --home (defaults: $BAGEL_DATA_RECIPE,
$BAGEL_DATA_MODE, $BAGEL_DATA_MIRROR, $BAGEL_DATA_HOME; shipped recipe, samples, <repo>/data).

Exit codes:
    0    success
    1    a build step or asset check failed; `status --fail-on-stale`: something is stale/missing/failed
    2    usage error: bad arguments or settings, unreadable recipe, selection matching nothing,
         bad SQL, missing catalog, scan not installed, another build holds the data home
    130  interrupted
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SCAN_MODULE = "bagel_data.decontam.scan"


class UsageError(Exception):
    """Bad input from the user: printed without a traceback, exit code 2."""


# --- settings shared by every command -----------------------------------------------------------


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("settings")
    group.add_argument("--recipe", help="recipe YAML (default: $BAGEL_DATA_RECIPE or the shipped bagel-v0.2)")
    group.add_argument("--mode", choices=("samples", "mirror", "hub"), help="where upstream data is read from (default: $BAGEL_DATA_MODE or samples)")
    group.add_argument("--mirror", help="hub-layout mirror folder (mirror mode; in samples mode, replaces data/samples)")
    group.add_argument("--home", help="data home for outputs (default: $BAGEL_DATA_HOME or <repo>/data)")
    return common


def _apply_settings(args: argparse.Namespace):
    """Export the options as the env vars the Dagster resource reads, and validate them."""
    from bagel_data.settings import Settings

    for option, var in (("recipe", "BAGEL_DATA_RECIPE"), ("mode", "BAGEL_DATA_MODE"), ("mirror", "BAGEL_DATA_MIRROR"), ("home", "BAGEL_DATA_HOME")):
        value = getattr(args, option, None)
        if value:
            os.environ[var] = str(Path(value).resolve()) if option in ("recipe", "mirror", "home") else value
    try:
        settings = Settings.from_env()
        settings.check_folders()
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return settings


def _load_recipe():
    from bagel_data.recipe import RecipeError, load_recipe

    try:
        return load_recipe()
    except RecipeError as exc:
        raise UsageError(str(exc)) from exc


def _definitions(args: argparse.Namespace):
    settings = _apply_settings(args)  # settings and recipe first: importing definitions builds them
    recipe = _load_recipe()
    from bagel_data.definitions import build_definitions

    return build_definitions(recipe), settings


def _quiet_dagster() -> None:
    import dagster as dg

    for category in (dg.BetaWarning, dg.PreviewWarning, dg.SupersessionWarning):
        warnings.filterwarnings("ignore", category=category)


# --- commands ------------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    _quiet_dagster()
    from bagel_data import runs

    defs, settings = _definitions(args)
    graph = defs.resolve_asset_graph()
    try:
        targets, observed = runs.resolve_selection(args.selection, graph, observe=not args.no_observe)
    except runs.SelectionError as exc:
        raise UsageError(str(exc)) from exc
    if args.list:
        for key in sorted(observed, key=lambda k: k.to_user_string()):
            print(f"observe  {key.to_user_string()}")
        for key in sorted(targets, key=lambda k: k.to_user_string()):
            print(f"build    {key.to_user_string()}")
        return EXIT_OK
    print(f"bagel-data build: {len(targets)} assets, {len(observed)} upstream observations (mode {settings.mode}, home {settings.home})", flush=True)
    try:
        outcome = runs.build(defs, runs.open_instance(settings.home), targets, observed, home=settings.home)
    except runs.BuildLocked as exc:
        raise UsageError(str(exc)) from exc
    problems = [f"step {s} failed" for s in outcome.failed_steps] + [f"check {c} failed" for c in outcome.failed_checks]
    problems += [f"{outcome.not_run} steps not run (they wait for a failed one)"] if outcome.not_run else []
    verdict = "ok" if outcome.success else "FAILED: " + ", ".join(problems or ["run failed"])
    print(f"bagel-data build: {verdict} ({outcome.steps} steps in {outcome.seconds:.1f}s, run {outcome.run_id})")
    return EXIT_OK if outcome.success else EXIT_FAILED


def _print_frame(frame, fmt: str, max_rows: int) -> None:
    import polars as pl

    if fmt == "csv":
        sys.stdout.write(frame.head(max_rows).write_csv() if max_rows else frame.write_csv())
        return
    if fmt == "json":
        sys.stdout.write(frame.head(max_rows).write_ndjson() if max_rows else frame.write_ndjson())
        return
    shown = frame.head(max_rows) if max_rows else frame
    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=200, tbl_hide_dataframe_shape=True,
                   tbl_hide_column_data_types=True, tbl_formatting="ASCII_MARKDOWN"):
        print(shown)
    if shown.height < frame.height:
        print(f"({frame.height} rows, {shown.height} shown; --max-rows 0 shows all)")


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    from bagel_data import catalog
    from bagel_data.storage import Layout

    settings = _apply_settings(args)
    db = Path(args.db) if args.db else Layout(settings.home).duckdb_path
    try:
        con = catalog.connect(db)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    except duckdb.Error as exc:
        raise UsageError(f"cannot open catalog {db}: {exc}") from exc
    with con:
        try:
            catalog.check_read_only(con, args.sql)
            relation = con.sql(args.sql)
            frame = relation.pl() if relation is not None else None
        except (duckdb.Error, catalog.QueryRefused) as exc:
            raise UsageError(f"query failed: {str(exc).strip()}") from exc
    if frame is None:
        print("ok (statement returned no rows)")
    else:
        _print_frame(frame, args.format, args.max_rows)
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    _quiet_dagster()
    import dataclasses

    import polars as pl

    from bagel_data import runs

    defs, settings = _definitions(args)
    rows = runs.status(defs, runs.open_instance(settings.home))
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2))
    else:
        frame = pl.DataFrame([dataclasses.asdict(r) for r in rows]).drop("run_id") if rows else pl.DataFrame()
        _print_frame(frame, "table", 0)
        counts = {s: sum(r.state == s for r in rows) for s in ("fresh", "stale", "missing", "failed", "running", "observed", "never observed")}
        print(", ".join(f"{n} {s}" for s, n in counts.items() if n))
    unhealthy = any(r.state in ("stale", "missing", "failed") for r in rows)
    return EXIT_FAILED if args.fail_on_stale and unhealthy else EXIT_OK


def cmd_scan_unavailable(args: argparse.Namespace) -> int:
    raise UsageError(f"scan is not available: module {SCAN_MODULE} is not installed in this checkout yet")


# --- parser ---------------------------------------------------------------------------------------


def _add_scan(sub, common: argparse.ArgumentParser, wanted: bool) -> None:
    """`bagel_data.decontam.scan.add_parser(subparsers)` (it sets a `handler(args) -> int` default),
    imported only when `scan` runs so the other commands neither load nor depend on it; a
    placeholder (listed in --help, exit 2 when run) where that module is absent."""
    if wanted and importlib.util.find_spec(SCAN_MODULE) is not None:
        parser = importlib.import_module(SCAN_MODULE).add_parser(sub)
        try:
            parser.add_argument("--recipe", help="recipe YAML (default: $BAGEL_DATA_RECIPE or the shipped bagel-v0.2)")
        except argparse.ArgumentError:
            pass  # the scan parser defines its own
        return
    help_text = "decontamination scan of training rows against the benchmarks"
    parser = sub.add_parser("scan", help=help_text, description=help_text, parents=[common])
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=cmd_scan_unavailable)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    argv = sys.argv[1:] if argv is None else argv
    common = _common()
    parser = argparse.ArgumentParser(prog="bagel-data", description=__doc__.split("\n\n")[0],
                                     epilog="Exit codes:" + __doc__.split("Exit codes:")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = sub.add_parser("build", parents=[common], help="materialize all assets or a selection",
                           description="Observe the upstream versions the selection reads, then materialize it in this process, one progress line per step.")
    build.add_argument("selection", nargs="*", help="asset keys (sources/ai2_arc, sources/*) or Dagster selections (group:sources, +key:duckdb_catalog); default: everything")
    build.add_argument("--list", action="store_true", help="print what would run and exit")
    build.add_argument("--no-observe", action="store_true", help="do not observe upstream versions first")
    build.set_defaults(func=cmd_build)

    query = sub.add_parser("query", parents=[common], help="run SQL against the DuckDB catalog",
                           description="Run one SQL statement against the DuckDB catalog and print the result. Read-only and sandboxed: "
                                       "SELECT/EXPLAIN/PRAGMA only, files outside the catalog's data, extensions and the network are refused.")
    query.add_argument("sql", help='e.g. "SELECT source, count(*) FROM sft GROUP BY 1"')
    query.add_argument("--db", help="catalog file (default: <home>/bagel.duckdb)")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    query.add_argument("--max-rows", type=int, default=100, help="rows printed (0 = all; default 100)")
    query.set_defaults(func=cmd_query)

    _add_scan(sub, common, wanted=bool(argv) and argv[0] == "scan")

    status = sub.add_parser("status", parents=[common], help="last materializations, upstream versions, stale assets",
                            description="Per asset: last materialization or observation, upstream version, and whether it is fresh, stale (with the cause) or missing.")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.add_argument("--fail-on-stale", action="store_true", help="exit 1 when any asset is stale, missing or failed")
    status.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 0 for --help, 2 for bad arguments
        return int(exc.code or 0)
    handler = getattr(args, "func", None) or args.handler
    try:
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"bagel-data {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("bagel-data: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
