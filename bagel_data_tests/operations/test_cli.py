"""`bagel-data` commands and exit codes: help, selections, builds with progress lines (success
and failure), status with upstream versions and stale assets, query output and errors, scan."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys

import polars as pl
import yaml

from bagel_data import cli, upstream
from bagel_data.recipe import DEFAULT_RECIPE
from bagel_data.settings import PROJECT_ROOT, Settings

ARC_TRAIN = "allenai/ai2_arc/ARC-Challenge/train-00000-of-00001.parquet"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _status(capsys) -> dict[str, dict]:
    code, out, _ = run(capsys, "status", "--json")
    assert code == 0
    return {row["asset"]: row for row in json.loads(out)}


def test_help_lists_every_command_and_the_exit_codes(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("build", "query", "scan", "status"):
        assert command in out
    assert "Exit codes:" in out and "130" in out
    for command in ("build", "query", "status"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and "--home" in out


def test_bad_arguments_exit_2(capsys, clean_env):
    assert run(capsys, "nope")[0] == 2
    assert run(capsys, "build", "--mode", "bogus")[0] == 2
    code, _, err = run(capsys, "build", "--list", "--mode", "mirror")
    assert code == 2 and "needs a mirror folder" in err
    code, _, err = run(capsys, "status", "--mode", "samples", "--recipe", "/nonexistent/recipe.yaml")
    assert code == 2 and "cannot read recipe" in err


def _cli(env_changes: dict, *argv: str) -> subprocess.CompletedProcess:
    """The CLI in a fresh process (nothing imported yet, as a user runs it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAGEL_DATA_")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), **env_changes)
    return subprocess.run([sys.executable, "-m", "bagel_data.cli", *argv], capture_output=True, text=True, env=env, check=False)


def test_settings_errors_exit_2_with_one_line(tmp_path):
    """These used to print a traceback (importing the definitions built them first) and exit 1; a
    missing mirror failed every observation and source step, one by one."""
    home = str(tmp_path / "home")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(DEFAULT_RECIPE.read_text(encoding="utf-8").replace("    priority: 3\n    options: {letter_only_probability: 0.5", "    module: ai2_ark\n    priority: 3\n    options: {letter_only_probability: 0.5", 1))
    cases = [
        ({"BAGEL_DATA_MODE": "bogus"}, ["build", "--list"], "unknown mode 'bogus'"),
        ({"BAGEL_DATA_MODE": "mirror"}, ["status"], "mode 'mirror' needs a mirror folder"),
        ({"BAGEL_DATA_MODE": "mirror", "BAGEL_DATA_MIRROR": str(tmp_path / "no-such-mirror")}, ["build"], f"mirror folder {tmp_path / 'no-such-mirror'} does not exist"),
        ({"BAGEL_DATA_RECIPE": str(recipe)}, ["build", "--list"], f"recipe {recipe}: sources.ai2_arc.module: no converter module bagel_data.sources.ai2_ark (did you mean 'ai2_arc'?)"),
    ]
    for env, argv, message in cases:
        done = _cli({"BAGEL_DATA_HOME": home, **env}, *argv)
        assert done.returncode == 2 and done.stdout == "", (argv, done.stdout, done.stderr[-2000:])
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"bagel-data {argv[0]}: error: {message}"), lines
    assert not (tmp_path / "home").exists()  # nothing was built


def test_bad_recipes_exit_2_from_build_list(capsys, ops_env):
    raw = yaml.safe_load(ops_env["recipe_path"].read_text(encoding="utf-8"))
    raw["decontamination"]["ngram"]["threshold"] = 2.0
    ops_env["recipe_path"].write_text(yaml.safe_dump(raw), encoding="utf-8")
    code, out, err = run(capsys, "build", "--list")
    assert code == 2 and out == ""
    assert err.strip() == f"bagel-data build: error: recipe {ops_env['recipe_path']}: decontamination.ngram.threshold: must be in [0, 1], got 2.0"
    ops_env["recipe_path"].write_text("sources: [\n", encoding="utf-8")
    code, _, err = run(capsys, "build", "--list")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "is not valid YAML: line 2, column 1:" in err


def test_build_list_resolves_selections(capsys, ops_env):
    code, out, _ = run(capsys, "build", "--list", "sources/*")
    assert code == 0
    lines = out.splitlines()
    assert "build    sources/ai2_arc" in lines and "build    sources/python_alpaca" in lines
    assert "observe  upstream/sources/ai2_arc" in lines
    assert "observe  upstream/benchmarks/humaneval" in lines  # python_alpaca's guard reads it
    assert not any(line.startswith("build    duckdb_catalog") for line in lines)

    code, out, _ = run(capsys, "build", "--list", "--no-observe", "group:sources", "kind:duckdb")
    assert code == 0 and not any(line.startswith("observe") for line in out.splitlines())
    assert "build    duckdb_catalog" in out.splitlines()

    code, out, _ = run(capsys, "build", "--list", "group:upstream")
    assert code == 0 and all(line.startswith("observe  upstream/") for line in out.splitlines())

    code, _, err = run(capsys, "build", "--list", "sources/not_a_source")
    assert code == 2 and "matches no asset" in err


def test_build_status_stale_and_rebuild(capsys, ops_env):
    code, out, _ = run(capsys, "build", "sources/ai2_arc", "duckdb_catalog")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("bagel-data build: 2 assets, 1 upstream observations (mode samples")
    assert lines[1].startswith("[1/3] observed upstream/sources/ai2_arc version ")
    assert lines[2].startswith("[2/3] built sources/ai2_arc (") and "rows)" in lines[2]
    assert lines[3].startswith("[3/3] built duckdb_catalog")
    assert lines[4].startswith("bagel-data build: ok (3 steps")
    assert (ops_env["home"] / "normalized" / "ai2_arc" / "instructions.parquet").is_file()
    assert (ops_env["home"] / "bagel.duckdb").is_file()
    assert (ops_env["home"] / "dagster_home" / "storage").is_dir()  # runs recorded for the UI / status

    settings = Settings(mode="samples", mirror=ops_env["mirror"], home=ops_env["home"])
    version = upstream.version_of("sources", ops_env["recipe"].sources["ai2_arc"], settings).version
    status = _status(capsys)
    assert status["upstream/sources/ai2_arc"]["detail"] == version
    assert status["upstream/sources/ai2_arc"]["state"] == "observed"
    assert status["upstream/sources/python_alpaca"]["state"] == "never observed"
    assert status["sources/ai2_arc"]["state"] == "fresh"
    assert status["sources/ai2_arc"]["detail"].endswith(" rows") and status["sources/ai2_arc"]["last_update"]
    assert status["sources/arc_validation"]["state"] == "missing"

    path = ops_env["mirror"] / ARC_TRAIN  # upstream changes; only observing, no rebuild yet
    pl.read_parquet(path).with_columns(pl.col("question") + " (revised)").write_parquet(path)
    assert run(capsys, "build", "group:upstream")[0] == 0
    status = _status(capsys)
    assert status["upstream/sources/ai2_arc"]["detail"] != version
    assert status["sources/ai2_arc"]["state"] == "stale"
    assert "upstream/sources/ai2_arc" in status["sources/ai2_arc"]["cause"]
    assert status["duckdb_catalog"]["state"] == "stale"
    assert status["duckdb_catalog"]["cause"] == "built from stale sources/ai2_arc"
    code, out, _ = run(capsys, "status", "--fail-on-stale")
    assert code == 1 and "stale" in out
    assert run(capsys, "status")[0] == 0

    assert run(capsys, "build", "sources/ai2_arc", "duckdb_catalog", "--no-observe")[0] == 0
    status = _status(capsys)
    assert status["sources/ai2_arc"]["state"] == status["duckdb_catalog"]["state"] == "fresh"


def test_failed_build_exits_1_and_names_the_step(capsys, ops_env):
    shutil.rmtree(ops_env["mirror"] / "Vezora")
    code, out, _ = run(capsys, "build", "sources/python_alpaca", "--no-observe")
    assert code == 1
    failed = [line for line in out.splitlines() if "FAILED sources__python_alpaca" in line]
    assert failed and "ReadError" in failed[0] and "mode samples" in failed[0] and "Vezora/Tested-22k-Python-Alpaca" in failed[0]
    assert "bagel-data build: FAILED: step sources__python_alpaca failed" in out

    code, out, _ = run(capsys, "build", "sources/python_alpaca")  # now the observation fails first
    assert code == 1
    assert "FAILED observe_sources__python_alpaca" in out and "UpstreamError" in out
    assert "steps not run" in out.splitlines()[-1]


def test_query_prints_tables_csv_and_clear_errors(capsys, ops_env):
    code, _, err = run(capsys, "query", "select 1")
    assert code == 2 and "no catalog" in err and "bagel-data build duckdb_catalog" in err

    assert run(capsys, "build", "sources/ai2_arc", "sources/arc_validation", "duckdb_catalog")[0] == 0
    code, out, _ = run(capsys, "query", "select source_asset, count(*) as n from instructions group by 1 order by 1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].replace(" ", "") == "|source_asset|n|"
    assert any(line.replace(" ", "").startswith("|arc_validation|") for line in lines)

    code, out, _ = run(capsys, "query", "--format", "csv", "select source_asset, count(*) as n from instructions group by 1 order by 1")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["source_asset"] for r in rows] == ["ai2_arc", "arc_validation"]
    assert int(rows[1]["n"]) >= 1

    code, out, _ = run(capsys, "query", "--max-rows", "2", "select * from range(5)")
    assert code == 0 and "(5 rows, 2 shown" in out

    code, _, err = run(capsys, "query", "select * from no_such_view")
    assert code == 2 and "query failed" in err and "no_such_view" in err
    code, _, err = run(capsys, "query", "selec 1")
    assert code == 2 and "syntax error" in err.lower()
    code, _, err = run(capsys, "query", "create table t as select 1")  # the catalog opens read-only
    assert code == 2 and "read-only" in err.lower()


def test_query_cannot_write_read_other_files_or_load_extensions(capsys, ops_env):
    """Each of these used to work: COPY overwrote a live file (exit 0), read_text read any file,
    INSTALL reached for the network."""
    assert run(capsys, "build", "sources/ai2_arc", "duckdb_catalog", "--no-observe")[0] == 0
    live = ops_env["home"] / "normalized" / "ai2_arc" / "instructions.parquet"
    before = live.read_bytes()
    attacks = {
        f"copy (select 1 as a) to '{live}'": "COPY statements are not allowed",
        "copy (select 1 as a) to 'data/output/sft/part-00000.parquet'": "COPY statements are not allowed",
        "select * from read_text('/etc/hostname')": "Permission Error",
        f"select * from read_text('{ops_env['recipe_path']}')": "Permission Error",
        "install httpfs": "LOAD statements are not allowed",
        "load httpfs": "LOAD statements are not allowed",
        "select * from read_parquet('https://huggingface.co/x.parquet')": "Permission Error",
        "set enable_external_access = true": "SET statements are not allowed",
    }
    for sql, why in attacks.items():
        code, out, err = run(capsys, "query", sql)
        assert code == 2 and why in err and err.startswith("bagel-data query: error: query failed"), (sql, err)
    assert live.read_bytes() == before
    code, out, _ = run(capsys, "query", "--format", "csv", "select count(*) as n from instructions")
    assert code == 0 and int(out.splitlines()[1]) > 0


def test_scan_command(capsys, clean_env):
    if importlib.util.find_spec(cli.SCAN_MODULE) is None:
        code, _, err = run(capsys, "scan", "anything")
        assert code == 2 and "not available" in err
    else:
        code, out, _ = run(capsys, "scan", "--help")
        assert code == 0 and "usage: bagel-data scan" in out


def test_console_entry_point_exit_codes(ops_env):
    """`python -m bagel_data.cli` exits with main()'s code (as the `bagel-data` script does)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    ok = subprocess.run([sys.executable, "-m", "bagel_data.cli", "--help"], capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0 and "bagel-data" in ok.stdout
    missing = subprocess.run([sys.executable, "-m", "bagel_data.cli", "query", "select 1"], capture_output=True, text=True, env=env, check=False)
    assert missing.returncode == 2 and "no catalog" in missing.stderr
