"""The DuckDB catalog: `data/bagel.duckdb` with one view per output, for analysts and `bagel-data query`.

Views read the Parquet/JSON files in place (no copy) through globs, so a new source appears
without a refresh once its kind of output exists. An output with no file yet gets an empty view
with its canonical columns (or is listed as missing when it has no fixed schema), so queries
never fail on a table that is not built yet. The `catalog` table lists every view, its file
pattern and how many files it matched at the last refresh.

Paths inside the views are relative to the project root when the data home lies below it (the
database keeps working when the checkout moves; open it from the project root, or set DuckDB's
`file_search_path` to it as `connect()` does), absolute otherwise.

`connect()` opens the catalog sandboxed, for SQL from anyone: read-only, external access off
except the folders and files the views read (`allowed_directories`/`allowed_paths`), no extension
installed or loaded, configuration locked; `check_read_only` refuses statements other than
SELECT, EXPLAIN and PRAGMA (COPY ... TO would write even inside an allowed folder).
"""

from __future__ import annotations

import glob
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from bagel_data import schema
from bagel_data.decontam.report import REPORT, REVIEW
from bagel_data.mix.select import RULES
from bagel_data.settings import PROJECT_ROOT

CONTAMINATION_MATCHES = REPORT  # the empty view has the real report's columns
_STEM = r"regexp_extract({col}, '([^/\\]+?)(\.[a-z]+)?$', 1)"
_PARENT = r"regexp_extract({col}, '([^/\\]+)[/\\][^/\\]+$', 1)"


@dataclass(frozen=True)
class View:
    name: str
    pattern: str  # glob relative to the data home
    reader: str  # parquet | json (whole file as one JSON value, column `manifest`)
    empty_schema: pa.Schema | str | None  # columns (or a SELECT) of the empty view; None: no view
    file_column: str | None = None  # add the file's stem (or parent folder) under this name
    from_parent: bool = False
    description: str = ""


def _benchmark_schema() -> pa.Schema | None:
    """The decontam benchmark table schema, when that module is present."""
    try:
        from bagel_data.decontam.benchmarks import VIEWS as BENCHMARK_VIEWS
    except ImportError:
        return None
    return BENCHMARK_VIEWS


VIEWS = (
    View("instructions", "normalized/*/instructions.parquet", "parquet", schema.INSTRUCTION, "source_asset", True,
         "normalized SFT conversations of every source"),
    View("preferences", "normalized/*/preferences.parquet", "parquet", schema.PREFERENCE, "source_asset", True,
         "normalized DPO pairs of every source"),
    View("texts", "normalized/*/texts.parquet", "parquet", schema.TEXT, "source_asset", True,
         "normalized plain-text rows of every source"),
    View("rejects", "normalized/*/rejects.parquet", "parquet", schema.REJECTS, None, False,
         "rows set aside by every source, with the reason"),
    View("benchmarks", "benchmarks/*.parquet", "parquet", _benchmark_schema(), "benchmark_file", False,
         "normalized benchmark rows (decontamination targets)"),
    View("contamination_matches", "decontam/matches.parquet", "parquet", CONTAMINATION_MATCHES, None, False,
         "training rows matched to a benchmark row"),
    View("contamination_review", "decontam/review.parquet", "parquet", REVIEW, None, False,
         "borderline training row / benchmark item pairs for a person (or the judge) to decide"),
    View("contamination_summary", "decontam/summary.parquet", "parquet", None, None, False,
         "contamination counts per source and benchmark"),
    View("sft", "output/sft/part-*.parquet", "parquet", schema.SFT_OUTPUT, "shard", False, "the SFT mix shards"),
    View("dpo", "output/dpo/part-*.parquet", "parquet", schema.DPO_OUTPUT, "shard", False, "the DPO mix shards"),
    View("manifests", "output/*/manifest.json", "json", "SELECT CAST(NULL AS VARCHAR) AS product, CAST(NULL AS JSON) AS manifest WHERE false",
         "product", True, "the manifest of each mix output, as JSON (manifest->>'rows')"),
)

# Convenience views over the ones above: name -> (description, SQL, base views it needs).
DERIVED = {
    "source_counts": (
        "rows per source asset and part",
        """
        SELECT source_asset, 'instructions' AS part, count(*) AS rows FROM instructions GROUP BY ALL
        UNION ALL SELECT source_asset, 'preferences', count(*) FROM preferences GROUP BY ALL
        UNION ALL SELECT source_asset, 'texts', count(*) FROM texts GROUP BY ALL
        UNION ALL SELECT source, 'rejects', count(*) FROM rejects GROUP BY ALL
        ORDER BY 1, 2
        """,
        ("instructions", "preferences", "texts", "rejects"),
    ),
    "mix_rows": (
        "rows per product, source and format, from the manifests",
        """
        SELECT m.product, s.key AS source, f.key AS format, CAST(f.value AS BIGINT) AS rows
        FROM manifests m, json_each(m.manifest -> 'rows_by_source_format') s, json_each(s.value) f
        ORDER BY 1, 2, 3
        """,
        ("manifests",),
    ),
    "fidelity": (
        "rows per product and source after each selection rule, in the order sources were taken",
        "SELECT f.value->>'product' AS product, f.value->>'source' AS source, CAST(f.value->>'priority' AS INTEGER) AS priority, "
        + ", ".join(f"CAST(f.value->>'{c}' AS BIGINT) AS {c}" for c in ("rows_in", *(f"after_{r}" for r in RULES)))
        + " FROM manifests m, json_each(m.manifest -> 'fidelity') f ORDER BY product, CAST(f.key AS INTEGER)",
        ("manifests",),
    ),
}


@dataclass(frozen=True)
class ViewStatus:
    name: str
    pattern: str
    files: int
    state: str  # "files" | "empty" (no file yet, typed empty view) | "missing" (no view created)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _path_base(home: Path, root: Path) -> Path | None:
    """The folder view paths are relative to (None: absolute paths)."""
    try:
        Path(home).resolve().relative_to(root.resolve())
        return root.resolve()
    except ValueError:
        return None


def _view_path(home: Path, pattern: str, base: Path | None) -> str:
    full = Path(home).resolve() / pattern
    return full.relative_to(base).as_posix() if base else full.as_posix()


def _empty_select(con: duckdb.DuckDBPyConnection, target: pa.Schema, file_column: str | None) -> str:
    """A typed, empty SELECT with the same columns the view has once files exist."""
    rel = con.from_arrow(schema.empty(target))
    cols = [f"CAST(NULL AS {ty}) AS \"{name}\"" for name, ty in zip(rel.columns, rel.types)]
    cols += [f"CAST(NULL AS VARCHAR) AS \"{file_column}\""] if file_column else []
    return "SELECT " + ", ".join(cols) + " WHERE false"


def _select(view: View, path: str) -> str:
    file_expr = (_PARENT if view.from_parent else _STEM).format(col="__file")
    if view.reader == "json":
        return f"SELECT {file_expr} AS \"{view.file_column}\", CAST(content AS JSON) AS manifest FROM (SELECT filename AS __file, content FROM read_text({_sql_str(path)}))"
    source = f"read_parquet({_sql_str(path)}, union_by_name = true, filename = '__file')"
    extra = f", {file_expr} AS \"{view.file_column}\"" if view.file_column else ""
    return f"SELECT * EXCLUDE (__file){extra} FROM {source}"


def refresh(home: Path, db_path: Path | None = None, root: Path = PROJECT_ROOT) -> list[ViewStatus]:
    """(Re)create the catalog database for the outputs under `home`; replaces the file atomically."""
    home = Path(home)
    db_path = Path(db_path or home / "bagel.duckdb")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    base = _path_base(home, root)
    tmp = db_path.with_name(f".{db_path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    statuses = []
    try:
        with duckdb.connect(str(tmp)) as con:
            for view in VIEWS:
                files = sorted(glob.glob(str(home / view.pattern)))
                if files:
                    sql, state = _select(view, _view_path(home, view.pattern, base)), "files"
                elif isinstance(view.empty_schema, str):
                    sql, state = view.empty_schema, "empty"
                elif view.empty_schema is not None:
                    sql, state = _empty_select(con, view.empty_schema, view.file_column), "empty"
                else:
                    statuses.append(ViewStatus(view.name, view.pattern, 0, "missing"))
                    continue
                if base is not None:
                    con.execute(f"SET file_search_path = {_sql_str(str(base))}")
                con.execute(f"CREATE OR REPLACE VIEW \"{view.name}\" AS {sql}")
                con.execute(f"COMMENT ON VIEW \"{view.name}\" IS {_sql_str(view.description)}")
                statuses.append(ViewStatus(view.name, view.pattern, len(files), state))
            defined = {s.name for s in statuses if s.state != "missing"}
            for name, (description, sql, needs) in DERIVED.items():
                if set(needs) <= defined:
                    con.execute(f"CREATE OR REPLACE VIEW \"{name}\" AS {sql}")
                    con.execute(f"COMMENT ON VIEW \"{name}\" IS {_sql_str(description)}")
            con.execute("CREATE TABLE catalog (view VARCHAR, pattern VARCHAR, files INTEGER, state VARCHAR)")
            con.executemany("INSERT INTO catalog VALUES (?, ?, ?, ?)", [(s.name, s.pattern, s.files, s.state) for s in statuses])
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return statuses


READ_STATEMENTS = ("SELECT", "EXPLAIN", "PRAGMA")  # DESCRIBE, SHOW, SUMMARIZE and FROM parse as SELECT
_READER_PATH = re.compile(r"read_(?:parquet|text)\('((?:[^']|'')*)'")
_GLOB_CHARS = re.compile(r"[*?\[{]")


class QueryRefused(ValueError):
    """A statement that would do more than read the catalog."""


def _view_locations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The path (or glob) literals every view of the catalog reads."""
    sqls = [row[0] for row in con.execute("SELECT sql FROM duckdb_views() WHERE NOT internal").fetchall()]
    return sorted({m.replace("''", "'") for sql in sqls for m in _READER_PATH.findall(sql or "")})


def _allowed(locations: list[str], root: Path) -> tuple[list[str], list[str]]:
    """(directories, files) a sandboxed connection may read: for a glob, the folder above its first
    wildcard; for a plain path, that file. A relative location is allowed where DuckDB can resolve
    it: under the project root (`file_search_path`) and under the working directory."""
    folders, files = set(), set()
    for location in locations:
        bases = [Path(location)] if Path(location).is_absolute() else [Path(root) / location, Path.cwd() / location]
        for base in bases:
            parts = Path(os.path.normpath(base)).parts
            wild = next((i for i, part in enumerate(parts) if _GLOB_CHARS.search(part)), None)
            if wild is None:
                files.add(str(Path(*parts)))
            else:
                folders.add(str(Path(*parts[:wild])) + os.sep)
    return sorted(folders), sorted(files)


def connect(db_path: Path, root: Path = PROJECT_ROOT, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the catalog, sandboxed, so its relative view paths resolve from any working directory."""
    if not Path(db_path).is_file():
        raise FileNotFoundError(f"no catalog at {db_path}: build it first (bagel-data build duckdb_catalog)")
    con = duckdb.connect(str(db_path), read_only=read_only, config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        folders, files = _allowed(_view_locations(con), Path(root).resolve())
        con.execute(f"SET file_search_path = {_sql_str(str(Path(root).resolve()))}")
        for setting, extra in (("allowed_directories", folders), ("allowed_paths", files)):
            current = con.execute(f"SELECT current_setting('{setting}')").fetchone()[0] or []  # the database's own files
            con.execute(f"SET {setting} = [{', '.join(_sql_str(f) for f in sorted({*current, *extra}))}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise QueryRefused unless every statement of `sql` only reads."""
    for statement in con.extract_statements(sql):
        kind = str(statement.type).rsplit(".", 1)[-1]
        if kind not in READ_STATEMENTS:
            raise QueryRefused(f"{kind} statements are not allowed: queries on the catalog are read-only ({', '.join(READ_STATEMENTS)})")
