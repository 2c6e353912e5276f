"""The benchmark: the whole bagel build on a synthetic mirror of N rows, stage by stage, against
two baselines on the same data in the same run.

    .venv/bin/python benchmarks/run.py --rows 1000000 [--no-embedding] [--json out.json]

1. `make_synthetic.make_mirror`: every source in its real upstream layout, v0.2 proportions,
   cross-source duplicates, planted benchmark items, ~1% malformed records (not timed).
2. Stages, each in its own subprocess (so its peak RSS is its own, or its largest worker's):
   observe (upstream content hashes), read + normalize (every source converter),
   decontamination (the benchmark views it needs, then per source unit: n-gram/rare-word
   candidates, embedding, matching; cold embedding cache), select + dedup + sample and format + shard (`build_product` for sft and
   dpo), catalog. Read and decontamination run their sources and units in `--workers` processes
   (default 2), biggest first, as the multiprocess executor runs those independent steps.
3. Baselines on the same normalized parts and matches: the original's per-row method
   (`mix_benchmark.step_baseline`: Python dicts and a loop per row, on at most
   `--baseline-rows` rows, rate extrapolated) and the mix as one DuckDB SQL script
   (`duckdb_mix.py`).
4. Incremental: one source's upstream file changes; observe -> that source -> its
   decontamination -> shards -> catalog, against the full build.

The table goes to stdout; the last line gives ours vs each baseline as ratios (rows/s over the
same stages: select + dedup + sample + format + shard, from normalized parts).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bagel_data.recipe import SAFE_LOADER, parse_recipe  # noqa: E402
from bagel_data.settings import PROJECT_ROOT  # noqa: E402

RECIPE = PROJECT_ROOT / "bagel_data" / "recipes" / "bagel-v0.2.yaml"
UNIT_ROWS = 250_000  # decontamination: sources above this many rows are split into hash partitions
CHANGED_SOURCE = "synthia"


def _rss_mib() -> float:
    """Peak RSS of this process or of its largest finished child (the mix's render workers)."""
    return round(max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024, 1)


def _cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the mix's render workers),
    all threads: robust to a machine shared with others."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


# --- stages (run in child processes) ---------------------------------------------------------


def _ctx(work: Path):
    from bagel_data.settings import Settings

    raw = yaml.load((work / "recipe.yaml").read_text(), Loader=SAFE_LOADER)  # YAML keeps the recipe's integer keys
    recipe = parse_recipe(raw, work / "recipe.yaml")
    settings = Settings(mode="mirror", mirror=work / "mirror", home=work / "home")
    return recipe, settings


def stage_observe(work: Path, only: str | None = None) -> dict:
    from bagel_data import upstream

    recipe, settings = _ctx(work)
    t = time.perf_counter()
    for spec in recipe.enabled_sources():  # incremental: the changed source (the others' hashes are cached)
        if not only or spec.name == only:
            upstream.version_of("sources", spec, settings)
    for spec in recipe.benchmarks.values() if not only else ():
        upstream.version_of("benchmarks", spec, settings)
    return {"seconds": time.perf_counter() - t}


def _read_one(work: Path, name: str) -> dict:
    """One source, as its `sources/<name>` step does (runs in a worker process)."""
    from bagel_data.sources import build_source

    recipe, settings = _ctx(work)
    s = time.perf_counter()
    result = build_source(recipe.sources[name], recipe, settings)
    return {"name": name, "rows_in": result.rows_in, "rows_out": result.total_out, "dropped": sum(result.dropped.values()), "seconds": round(time.perf_counter() - s, 2)}


def _read_benchmark(work: Path, name: str) -> dict:
    from bagel_data import schema
    from bagel_data.decontam.benchmarks import VIEWS, read_benchmark
    from bagel_data.storage import Layout, write_parquet

    recipe, settings = _ctx(work)
    views = read_benchmark(recipe.benchmarks[name], settings)[0]
    write_parquet(schema.conform(views, VIEWS), Layout(settings.home).benchmark(name))
    return {"name": name}


def _fan_out(fn, work: Path, items: list[str]) -> list[dict]:
    """fn(work, item) for every item, in WORKERS processes (biggest first, as given), like the
    multiprocess executor running independent steps, each with the cores / WORKERS threads; in
    this process when WORKERS is 1."""
    if WORKERS <= 1 or len(items) <= 1:
        return [fn(work, item) for item in items]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from bagel_data.threads import thread_budget

    with thread_budget(WORKERS), ProcessPoolExecutor(max_workers=WORKERS, mp_context=get_context("spawn")) as pool:  # as the executor's steps
        return list(pool.map(fn, [work] * len(items), items))


def _by_size(work: Path, names: list[str]) -> list[str]:
    """Source names, biggest upstream first (the pool stays busy to the end)."""
    written = json.loads((work / "results.json").read_text()).get("written", {}) if (work / "results.json").is_file() else {}
    return sorted(names, key=lambda n: -written.get(n, 0))


def stage_read(work: Path, only: str | None = None) -> dict:
    recipe, _settings = _ctx(work)
    t = time.perf_counter()
    names = [spec.name for spec in recipe.enabled_sources() if not only or spec.name == only]
    results = _fan_out(_read_one, work, _by_size(work, names))
    per_source = {r["name"]: {"rows_in": r["rows_in"], "seconds": r["seconds"]} for r in results}
    return {"seconds": time.perf_counter() - t, "rows_in": sum(r["rows_in"] for r in results), "rows_out": sum(r["rows_out"] for r in results),
            "dropped": sum(r["dropped"] for r in results), "per_source": per_source, "workers": WORKERS}


def _decontam_unit(work: Path, name: str) -> dict:
    """One decontamination unit, as its `decontamination/<unit>` step does (a worker process
    builds the benchmark index once, at its first unit)."""
    from bagel_data.assets.decontam import EmbedderResource
    from bagel_data.decontam.config import DecontamConfig
    from bagel_data.decontam.run import benchmark_views, decontaminate_unit, units
    from bagel_data.storage import Layout

    recipe, settings = _ctx(work)
    layout = Layout(settings.home)
    config = DecontamConfig.from_section(recipe.decontamination)
    views = benchmark_views(recipe, settings, from_layout=True)
    embedder = EmbedderResource().embedder(config, layout) if config.embedding else None
    unit = next(u for u in units(recipe) if u.name == name)
    _report, st = decontaminate_unit(layout, unit, views, config, embedder)
    return st


def stage_decontam(work: Path, only: str | None = None) -> dict:
    from bagel_data.decontam.config import DecontamConfig
    from bagel_data.decontam.run import union_outputs, units
    from bagel_data.storage import Layout

    recipe, settings = _ctx(work)
    layout = Layout(settings.home)
    config = DecontamConfig.from_section(recipe.decontamination)
    t = time.perf_counter()
    totals = {"rows": 0, "index": 0.0, "candidates": 0.0, "embedding": 0.0, "matching": 0.0, "embedded_rows": 0, "contaminated": 0, "units": 0, "workers": WORKERS}
    if not config.enabled:  # --skip-decontamination: an empty report, so the mix and DuckDB read the same
        from bagel_data.decontam.report import REPORT
        from bagel_data.storage import write_parquet

        write_parquet(REPORT.empty_table(), layout.decontam_dir / "matches.parquet")
        return {**totals, "seconds": time.perf_counter() - t, "skipped": True}
    if not only:  # the benchmark test splits feed decontamination only: read here, not in read + normalize
        s = time.perf_counter()
        _fan_out(_read_benchmark, work, list(recipe.benchmarks))
        totals["views"] = time.perf_counter() - s
    all_units = units(recipe)
    order = {n: i for i, n in enumerate(_by_size(work, sorted({u.source for u in all_units})))}
    mine = sorted((u for u in all_units if not only or u.source == only), key=lambda u: (order[u.source], u.part))
    for st in _fan_out(_decontam_unit, work, [u.name for u in mine]):
        stage = st.get("stage_seconds", {})
        encode = (st.get("embedding_total") or {}).get("encode_seconds", 0.0)
        candidates = stage.get("ngram", 0.0) + stage.get("lexical", 0.0)
        totals["rows"] += st["rows_checked"]
        totals["index"] += st.get("index_seconds", 0.0)
        totals["candidates"] += candidates
        totals["embedding"] += encode
        totals["matching"] += max(0.0, st.get("seconds", 0.0) - st.get("index_seconds", 0.0) - candidates - encode)
        totals["embedded_rows"] += st.get("embedded_rows", 0)
        totals["contaminated"] += st["contaminated_rows"]
        totals["units"] += 1
    union_outputs(layout, [u.name for u in all_units])
    totals["seconds"] = time.perf_counter() - t
    return totals


def stage_mix(work: Path, only: str | None = None) -> dict:
    import bagel_data.mix.build as build

    recipe, settings = _ctx(work)
    selecting = {"seconds": 0.0}
    original = build.select_rows

    def timed_select(*args, **kwargs):  # the selection's share of build_product
        s = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            selecting["seconds"] += time.perf_counter() - s

    build.select_rows = timed_select
    t = time.perf_counter()
    out = {}
    for product in ("sft", "dpo"):
        report = build.build_product(recipe, settings.home, product)
        out[product] = report.manifest["rows"]
    total = time.perf_counter() - t
    return {"seconds": total, "select": selecting["seconds"], "format_shard": total - selecting["seconds"], "rows_out": out}


def stage_catalog(work: Path, only: str | None = None) -> dict:
    from bagel_data.catalog import refresh

    _recipe, settings = _ctx(work)
    t = time.perf_counter()
    refresh(settings.home, settings.home / "bagel.duckdb")
    return {"seconds": time.perf_counter() - t}


def stage_rowwise(work: Path, only: str | None = None) -> dict:
    from mix_benchmark import step_baseline

    fraction = float(only or 1.0)
    result = step_baseline(work / "home", work / "baseline-recipe.yaml", fraction)
    shutil.rmtree(next((work / "home").glob("baseline-*"), work / "none"), ignore_errors=True)
    return result


def stage_duckdb(work: Path, only: str | None = None) -> dict:
    import duckdb
    from duckdb_mix import script

    recipe, settings = _ctx(work)
    out = work / "duckdb-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    sql = script(settings.home, out, recipe, list(recipe.formats), temp_directory=work / "duckdb-spill")  # 8 GB, spilling to disk beyond
    (work / "duckdb_mix.sql").write_text(sql)
    t = time.perf_counter()
    con = duckdb.connect()
    con.execute(sql)
    seconds = time.perf_counter() - t
    rows = con.execute(f"select count(*) from read_parquet('{out}/*/*.parquet')").fetchone()[0]
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work / "duckdb-spill", ignore_errors=True)
    return {"seconds": seconds, "rows_out": rows}


STAGES = {f.__name__.removeprefix("stage_"): f for f in (stage_observe, stage_read, stage_decontam, stage_mix, stage_catalog, stage_rowwise, stage_duckdb)}


IN_PROCESS = False  # --in-process: stages run here (quick smoke runs; peak RSS is then cumulative)
WORKERS = 2  # --workers: processes the read and decontamination stages fan out to (the executor's max_concurrent)


def child(name: str, work: Path, only: str | None = None) -> dict:
    """Run one stage in a fresh interpreter; its result with its own peak RSS."""
    if IN_PROCESS:
        t, cpu = time.perf_counter(), _cpu_seconds()
        result = json.loads(json.dumps(STAGES[name](work, only)))
        return {**result, "max_rss_mib": _rss_mib(), "cpu_seconds": _cpu_seconds() - cpu, "process_seconds": time.perf_counter() - t}
    cmd = [sys.executable, __file__, "--stage", name, "--work", str(work), "--workers", str(WORKERS)] + (["--only", only] if only else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        raise RuntimeError(f"stage {name} failed:\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - t
    return result


# --- the run -------------------------------------------------------------------------------


def bench_recipe(rows_by_source: dict[str, int], embedding: bool, decontamination: bool = True) -> dict:
    raw = yaml.safe_load(RECIPE.read_text())
    dec = raw.setdefault("decontamination", {})
    dec["enabled"] = decontamination
    dec["hash_partitions"] = {s: math.ceil(n / UNIT_ROWS) for s, n in rows_by_source.items() if n > UNIT_ROWS}
    if not embedding:
        dec.setdefault("embedding", {})["enabled"] = False
    return raw


def change_one_source(mirror: Path, source: str) -> None:
    """Edit the changed source's upstream file: its first record's instruction gets a new word."""
    from make_synthetic import SAMPLES, load_recipe, source_files

    path = mirror / source_files(load_recipe())[source][0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = json.loads(lines[0])
    first["instruction"] = "Changed upstream: " + str(first.get("instruction", ""))
    path.write_text(json.dumps(first) + "\n" + "".join(lines[1:]), encoding="utf-8")
    assert SAMPLES.is_dir()


def _machine() -> str:
    cpus = len(os.sched_getaffinity(0))
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    model = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.processor())
    load = os.getloadavg()[0]
    return f"{cpus} cores ({model}), {mem:.0f} GiB RAM, load average {load:.1f} at start, Python {platform.python_version()}"


def _row(name: str, rows: int | None, seconds: float, rss: float | None, cpu: float | None = None) -> str:
    rate = f"{rows / seconds:,.0f}" if rows and seconds > 0 else ""
    per_cpu = f"{rows / cpu:,.0f}" if rows and cpu else ""
    cells = [name, "" if rows is None else f"{rows:,}", f"{seconds:,.1f}", rate, "" if cpu is None else f"{cpu:,.1f}", per_cpu, "" if rss is None else f"{rss / 1024:.2f}"]
    return "| " + " | ".join(cells) + " |"


def run(rows: int, work: Path, *, embedding: bool, baseline_rows: int, incremental: bool, decontamination: bool = True) -> dict:
    """Every stage; results are kept in `work/results.json` as they come, and a rerun on the same
    work folder (`--work`) resumes after the last finished stage (the mirror is reused)."""
    from make_synthetic import make_mirror

    saved = work / "results.json"
    r = json.loads(saved.read_text()) if saved.is_file() else {}

    def keep(name: str, value) -> None:
        r[name] = value
        saved.write_text(json.dumps(r, indent=2))

    if "mirror_rows" not in r:
        t = time.perf_counter()
        written = make_mirror(work / "mirror", rows)
        keep("make_seconds", time.perf_counter() - t)
        keep("written", written)
        keep("mirror_rows", sum(written.values()))
    raw = bench_recipe(r["written"], embedding, decontamination)
    (work / "recipe.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    baseline_raw = dict(raw, sources={k: v for k, v in raw["sources"].items() if v.get("enabled", True)})
    (work / "baseline-recipe.yaml").write_text(yaml.safe_dump(baseline_raw, sort_keys=False))
    r.setdefault("rows", rows)
    r.setdefault("machine", _machine())
    from bagel_data.mix.config import default_workers

    r.setdefault("mix_workers", default_workers())
    if WORKERS > 1:
        from bagel_data.threads import threads_per_process

        r.setdefault("worker_threads", int(os.environ.get("OMP_NUM_THREADS") or threads_per_process(0, WORKERS)))
    for name in ("observe", "read", "decontam", "mix", "catalog"):
        if name not in r:
            keep(name, child(name, work))
    if "rowwise" not in r:
        fraction = min(1.0, baseline_rows / max(r["read"]["rows_out"], 1))
        keep("rowwise", child("rowwise", work, str(fraction)))
    if "duckdb" not in r:
        keep("duckdb", child("duckdb", work))
    if incremental and "incremental" not in r:
        change_one_source(work / "mirror", CHANGED_SOURCE)
        inc = {}
        for name in ("observe", "read", "decontam", "mix", "catalog"):
            inc[name] = child(name, work, CHANGED_SOURCE)
        keep("incremental", inc)
    return r


def table(r: dict) -> str:
    rd, dc, mx, rw, dd = r["read"], r["decontam"], r["mix"], r["rowwise"], r["duckdb"]
    cpu = lambda stage: stage.get("cpu_seconds")  # noqa: E731 - older result files lack it
    rows_in, normalized = rd["rows_in"], rd["rows_out"]
    lines = [
        f"bagel-data benchmark: --rows {r['rows']:,} (synthetic mirror {r['mirror_rows']:,} records, made in " + (f"{r['make_seconds']:.0f} s" if r['make_seconds'] else "an earlier run") + "; "
        f"{rows_in:,} upstream rows read, {normalized:,} normalized, {rd['dropped']:,} set aside by filters and as malformed)",
        f"machine: {r['machine']}",
        f"read and decontamination fan out to {rd.get('workers', 1)} worker process(es), one source or unit at a time"
        + (f" with {r['worker_threads']} thread(s) each" if r.get("worker_threads") else "")
        + f", as the multiprocess executor runs their steps; the mix renders and writes shards in {r.get('mix_workers', 'the default')} threads",
        "",
        "| stage | rows | wall s | rows/s | CPU s (process) | rows per CPU s | peak RSS GiB |",
        "|---|---|---|---|---|---|---|",
        _row("observe (upstream content hashes)", rows_in, r["observe"]["seconds"], r["observe"]["max_rss_mib"], cpu(r["observe"])),
        _row("read + normalize", rows_in, rd["seconds"], rd["max_rss_mib"], cpu(rd)),
        _row("select + dedup + sample", normalized, mx["select"], None),
        _row("format + shard", normalized, mx["format_shard"], None),
        _row("mix total (sft + dpo)", normalized, mx["seconds"], mx["max_rss_mib"], cpu(mx)),
        *([_row("decontamination: benchmark views (read + normalize the test splits)", None, dc["views"], None)] if "views" in dc else []),
        _row(f"decontamination: index ({dc['units']} units)", None, dc["index"], None),
        _row("decontamination: candidates (n-gram, rare words)", dc["rows"], dc["candidates"], None),
        _row(f"decontamination: embedding ({dc['embedded_rows']:,} rows embedded, cold cache)", dc["rows"], dc["embedding"], None),
        _row("decontamination: matching (faiss, rules, report)", dc["rows"], dc["matching"], None),
        _row("decontamination total" + (" (skipped in this run)" if dc.get("skipped") else ""), dc["rows"], dc["seconds"], dc["max_rss_mib"], cpu(dc)),
        _row("catalog", None, r["catalog"]["seconds"], r["catalog"]["max_rss_mib"], cpu(r["catalog"])),
    ]
    e2e = r["observe"]["seconds"] + rd["seconds"] + mx["seconds"]
    e2e_cpu = sum(cpu(x) or 0 for x in (r["observe"], rd, mx)) or None
    peak = max(r["observe"]["max_rss_mib"], rd["max_rss_mib"], mx["max_rss_mib"])
    full = e2e + dc["seconds"] + r["catalog"]["seconds"]
    lines += [
        _row("**read -> shards, no decontamination (end to end)**", rows_in, e2e, peak, e2e_cpu),
        _row("full build (all stages above)", rows_in, full, max(peak, dc["max_rss_mib"])),
        _row(f"baseline: per-row Python (original's method) on {rw['rows_in']:,} rows", rw["rows_in"], rw["seconds"], rw["max_rss_mib"], cpu(rw)),
        _row("baseline: one DuckDB SQL script", normalized, dd["seconds"], dd["max_rss_mib"], cpu(dd)),
    ]
    if "incremental" in r:
        inc = r["incremental"]
        seconds = sum(inc[k]["seconds"] for k in inc)
        lines.append(_row(f"incremental: `{CHANGED_SOURCE}` changed (observe, source, its decontamination, shards, catalog)", inc["read"]["rows_in"], seconds, max(v["max_rss_mib"] for v in inc.values())))
        lines.append(f"\nincremental rebuild = {seconds / full:.1%} of the full build ({seconds:.1f} s vs {full:.1f} s); "
                     + ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in inc.items()))
    ours_mix = normalized / mx["seconds"]
    row_rate = rw["rows_in"] / rw["seconds"]
    duck_rate = normalized / dd["seconds"]
    ratios = (
        f"\nours vs baselines (select+dedup+sample+format+shard from normalized parts, rows/s wall): {ours_mix / row_rate:.1f}x the per-row method, "
        f"{ours_mix / duck_rate:.2f}x the DuckDB script; read -> shards end to end: {rows_in / e2e:,.0f} input rows/s, "
        f"{(normalized / e2e) / duck_rate:.2f}x the DuckDB script's rate (which starts from normalized parts)"
    )
    if cpu(mx) and cpu(rw) and cpu(dd):
        ratios += f"; per CPU second: {(normalized / cpu(mx)) / (rw['rows_in'] / cpu(rw)):.1f}x per-row, {(normalized / cpu(mx)) / (normalized / cpu(dd)):.2f}x DuckDB"
    lines.append(ratios)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--work", type=Path, help="work folder (kept); default: a temporary folder, removed")
    parser.add_argument("--no-embedding", action="store_true", help="decontamination without the embedding layer")
    parser.add_argument("--baseline-rows", type=int, default=200_000, help="rows the per-row baseline processes (rate extrapolated)")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--skip-decontamination", action="store_true", help="no decontamination stage (an empty report)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--in-process", action="store_true", help="run the stages in this process (smoke test; RSS not per stage)")
    parser.add_argument("--workers", type=int, default=2, help="processes the read and decontamination stages fan out to, as the multiprocess executor's max_concurrent (1: one process)")
    parser.add_argument("--table-from", type=Path, help="print the table of an earlier --json result")
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global WORKERS
    WORKERS = args.workers
    if args.stage:
        # A stage runs as a step process would: with the libraries the step forkserver imports
        # (bagel_data/assets/step_processes.py) already imported, pandas among them, which pyarrow
        # otherwise imports (0.3 s) at its first numpy conversion inside the timed part.
        import pandas  # noqa: F401

        result = STAGES[args.stage](args.work, args.only)
        result["max_rss_mib"] = _rss_mib()
        result["cpu_seconds"] = _cpu_seconds()  # the whole process, imports included
        print(json.dumps(result))
        return
    if args.table_from:
        print(table(json.loads(args.table_from.read_text())))
        return
    global IN_PROCESS
    IN_PROCESS = args.in_process
    work = args.work or Path(tempfile.mkdtemp(prefix="bagel-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.rows, work, embedding=not args.no_embedding, baseline_rows=args.baseline_rows, incremental=not args.no_incremental,
                     decontamination=not args.skip_decontamination)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))


if __name__ == "__main__":
    main()
