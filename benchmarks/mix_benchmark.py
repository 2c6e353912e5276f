"""Benchmark the mix on a synthetic 1M-row input: wall time, rows/s and peak memory (max RSS)
of `build_product` for SFT and DPO, against a per-row Python baseline (dicts, a loop per row,
templates rendered one row at a time) run on the same data in the same invocation.

    .venv/bin/python benchmarks/mix_benchmark.py [--rows 1000000] [--baseline-fraction 1.0] [--out result.json]

Each measured step runs in its own subprocess, so its max RSS is its own (the data generator's
memory is not counted). The synthetic input: 12 SFT sources (10% multi-turn, overlapping
instructions across priorities, one capped + stratified source, one plain-text source) and
3 DPO sources (one exempt from dedup); about 86% instructions, 1% texts, 13% pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bagel_data import ids, schema  # noqa: E402
from bagel_data.recipe import parse_recipe  # noqa: E402
from bagel_data.storage import Layout, write_parquet  # noqa: E402

TURN = pl.Struct({"role": pl.String, "content": pl.String})
FORMATS = ["alpaca", "vicuna", "chatml", "llama2"]
SFT_SHARE = {f"sft_{i:02d}": w for i, w in enumerate([20, 15, 12, 10, 8, 8, 6, 5, 3, 2, 10])}
TEXT_SOURCE, DPO_SHARE = "books", {"dpo_main": 7, "dpo_other": 4, "truthy": 2}


def _fillers(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = "the of model data river quantum simple answer light code table music garden history value".split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(10, 120))) for _ in range(n)]


def _instructions(name: str, n: int, offset: int, multi_every: int = 10) -> pl.DataFrame:
    """n conversations; question numbers start at `offset` (overlaps make cross-source dups)."""
    q, a = pl.Series(_fillers(64, 1)), pl.Series(_fillers(64, 2))
    i = pl.int_range(offset, offset + n, eager=True)
    frame = pl.DataFrame({"i": i}).with_columns(
        pl.format("Question {}: {}", pl.col("i"), q.gather(i % 64)).alias("u1"),
        pl.format("Answer {}: {}", pl.col("i"), a.gather((i * 7) % 64)).alias("a1"),
    )
    single = pl.concat_list([pl.struct(pl.lit("user").alias("role"), pl.col("u1").alias("content")), pl.struct(pl.lit("assistant").alias("role"), pl.col("a1").alias("content"))])
    follow = pl.concat_list([single, pl.lit([{"role": "user", "content": "And then?"}, {"role": "assistant", "content": "Then it ends."}], dtype=pl.List(TURN))])
    frame = frame.with_columns(pl.when(pl.col("i") % multi_every == 0).then(follow).otherwise(single).alias("conversation"))
    frame = frame.with_columns(
        pl.lit(name).alias("source"), pl.lit(f"synthetic/{name}").alias("dataset"), pl.lit("bench").alias("revision"),
        pl.format("{}:{}", pl.lit(name), pl.col("i")).alias("row_key"),
        pl.format("task{}", pl.col("i") % 50 * (pl.col("i") % 50)).alias("category"),  # very unequal strata
        pl.lit(None, dtype=pl.String).alias("system"),
    )
    return frame.with_columns(ids.instruction_ids(frame["conversation"], frame["system"]).alias("id"))


def _preferences(name: str, n: int, offset: int) -> pl.DataFrame:
    i = pl.int_range(offset, offset + n, eager=True)
    fill = pl.Series(_fillers(64, 3))
    frame = pl.DataFrame({"i": i}).select(
        pl.lit(name).alias("source"), pl.lit(f"synthetic/{name}").alias("dataset"), pl.lit("bench").alias("revision"),
        pl.format("{}:{}", pl.lit(name), pl.col("i")).alias("row_key"), pl.lit(None, dtype=pl.String).alias("system"),
        pl.format("Prompt {}: {}", pl.col("i"), fill.gather(i % 64)).alias("prompt"),
        pl.format("Good {}: {}", pl.col("i"), fill.gather((i * 3) % 64)).alias("chosen"),
        pl.format("Bad {}: {}", pl.col("i"), fill.gather((i * 5 + 1) % 64)).alias("rejected"),
    )
    return frame.with_columns(ids.preference_ids(frame["prompt"], frame["system"]).alias("id"))


def generate(home: Path, rows: int, chunk_rows: int = 100_000) -> dict:
    """Write the synthetic normalized parts; return the raw recipe mapping."""
    layout = Layout(home)
    unit = rows / (sum(SFT_SHARE.values()) + 1 + sum(DPO_SHARE.values()))
    sources = {}

    def write(name: str, **parts):
        for part, target in {**schema.NORMALIZED, "rejects": schema.REJECTS}.items():
            frame = parts.get(part)
            write_parquet(schema.empty(target) if frame is None else schema.conform(frame, target, name), layout.normalized(name, part))

    offset = 0
    for k, (name, share) in enumerate(SFT_SHARE.items()):
        n = int(unit * share)
        write(name, instructions=_instructions(name, n, offset))
        sources[name] = {"upstream": {"repo": f"synthetic/{name}"}, "priority": 1 + k % 3}
        offset += int(n * 0.95)  # 5% of each source repeats the previous one's questions
    sources["sft_00"].update(cap=int(unit * 20 * 0.6), stratify_by="task")
    texts = pl.DataFrame({"text": _fillers(max(1, int(unit)), 4)}).with_row_index("i").select(
        pl.lit(TEXT_SOURCE).alias("source"), pl.lit("synthetic/books").alias("dataset"), pl.lit("bench").alias("revision"),
        pl.format("books:{}", pl.col("i")).alias("row_key"), pl.format("Chapter {}. {}", pl.col("i"), pl.col("text")).alias("text"),
    )
    write(TEXT_SOURCE, texts=texts.with_columns(ids.text_ids(texts["text"]).alias("id")))
    sources[TEXT_SOURCE] = {"upstream": {"repo": "synthetic/books"}, "priority": 3}
    offset = 0
    for name, share in DPO_SHARE.items():
        n = int(unit * share)
        write(name, preferences=_preferences(name, n, offset))
        sources[name] = {"upstream": {"repo": f"synthetic/{name}"}, "priority": 2, "dpo_only": name == "truthy"}
        offset += int(n * 0.9)
    return {
        "name": "benchmark", "seed": 42, "formats": FORMATS,
        "mix": {"formats_per_row": 4, "exempt_from_dedup": ["truthy"], "render_chunk_rows": chunk_rows},
        "shards": {"rows_per_shard": 50_000, "compression": "zstd", "compression_level": 3},  # as the shipped recipe
        "decontamination": {"enabled": False}, "sources": sources,
    }


def _run_child(args: list[str]) -> dict:
    """Run this script in a subprocess for one measured step; return its JSON result."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(f"step {args[:2]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _max_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 2)


def step_mix(home: Path, recipe_path: Path) -> dict:
    from bagel_data.mix import build_product

    recipe = parse_recipe(yaml.safe_load(recipe_path.read_text()), recipe_path)  # YAML keeps integer keys (JSON is YAML too)
    result = {}
    start = time.perf_counter()
    for product in ("sft", "dpo"):
        t = time.perf_counter()
        report = build_product(recipe, home, product)
        result[product] = {"seconds": round(time.perf_counter() - t, 2), "rows_out": report.manifest["rows"], "shards": len(report.manifest["shards"])}
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["cpu_seconds"] = _cpu_seconds()  # whole process, imports included; robust to a busy machine
    result["max_rss_mib"] = _max_rss_mib()
    return result


def step_baseline(home: Path, recipe_path: Path, fraction: float) -> dict:
    """The per-row way: Python dicts, a loop per row for dedup, coins, formats and shuffle."""
    import hashlib

    from bagel_data.formats.templates import get_format, render_completion, render_prompt

    recipe = parse_recipe(yaml.safe_load(recipe_path.read_text()), recipe_path)  # YAML keeps integer keys (JSON is YAML too)
    layout = Layout(home)
    start = time.perf_counter()
    taken: set[str] = set()
    sft, dpo, rows_in = [], [], 0
    for spec in sorted(recipe.sources.values(), key=lambda s: (s.priority, s.name)):
        for part in ("instructions", "texts", "preferences"):
            table = pq.read_table(layout.normalized(spec.name, part))
            records = table.slice(0, int(table.num_rows * fraction)).to_pylist()
            rows_in += len(records)
            seen: set[str] = set()
            kept = []
            for row in records:
                if row["id"] in seen or (not spec.dpo_only and part != "preferences" and row["id"] in taken):
                    continue
                seen.add(row["id"])
                kept.append(row)
            if spec.cap is not None and len(kept) > spec.cap * fraction:
                kept.sort(key=lambda r: hashlib.blake2b(f"42:sample:{spec.name}:{r['id']}".encode(), digest_size=8).digest())
                kept = kept[: int(spec.cap * fraction)]
            if part != "preferences":
                taken.update(r["id"] for r in kept)
            for row in kept:
                if part == "texts":
                    sft.append({"id": row["id"], "source": row["source"], "format": "text", "prompt": "", "completion": row["text"], "messages": [{"role": "assistant", "content": row["text"]}]})
                    continue
                for fmt in FORMATS:
                    system = row["system"] or get_format(fmt).default_system
                    if part == "preferences":
                        dpo.append({"id": row["id"], "source": row["source"], "format": fmt, "prompt": render_prompt(fmt, system, [], row["prompt"]), "chosen": render_completion(fmt, row["chosen"]), "rejected": render_completion(fmt, row["rejected"])})
                        continue
                    conv = row["conversation"]
                    for t in range(len(conv) // 2):
                        history = [(conv[2 * j]["content"], conv[2 * j + 1]["content"]) for j in range(t)]
                        sft.append({"id": row["id"] + (f"#{t}" if t else ""), "source": row["source"], "format": fmt, "prompt": render_prompt(fmt, system, history, conv[2 * t]["content"]), "completion": render_completion(fmt, conv[2 * t + 1]["content"]), "messages": conv[: 2 * t + 2]})
    out_dir = Path(tempfile.mkdtemp(prefix="baseline-", dir=home))
    for name, rows, target in (("sft", sft, schema.SFT_OUTPUT), ("dpo", dpo, schema.DPO_OUTPUT)):
        rows.sort(key=lambda r: hashlib.blake2b(f"42:shuffle:{r['id']}:{r['format']}".encode(), digest_size=8).digest())
        for k in range(0, len(rows), 100_000):
            pq.write_table(pa.Table.from_pylist(rows[k : k + 100_000], schema=target), out_dir / f"{name}-{k // 100_000:05d}.parquet", compression="zstd")
    return {"seconds": round(time.perf_counter() - start, 2), "cpu_seconds": _cpu_seconds(), "rows_in": rows_in, "rows_out": len(sft) + len(dpo), "max_rss_mib": _max_rss_mib()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-fraction", type=float, default=1.0, help="share of each source the baseline processes")
    parser.add_argument("--chunk-rows", type=int, default=100_000, help="mix.render_chunk_rows (rows rendered / per shuffle bucket)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--step", choices=["mix", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        recipe_path = args.home / "recipe.json"
        result = step_mix(args.home, recipe_path) if args.step == "mix" else step_baseline(args.home, recipe_path, args.baseline_fraction)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="mix-bench-") as tmp:
        home = Path(tmp)
        t = time.perf_counter()
        raw = generate(home, args.rows, args.chunk_rows)
        (home / "recipe.json").write_text(json.dumps(raw))
        rows_in = sum(pq.ParquetFile(p).metadata.num_rows for p in (home / "normalized").glob("*/*.parquet") if p.stem != "rejects")
        generated = round(time.perf_counter() - t, 1)
        mix = _run_child(["--step", "mix", "--home", str(home)])
        base = _run_child(["--step", "baseline", "--home", str(home), "--baseline-fraction", str(args.baseline_fraction)])
    mix_rate = rows_in / mix["seconds"]
    base_rate = base["rows_in"] / base["seconds"]
    result = {
        "input_rows": rows_in,
        "render_chunk_rows": args.chunk_rows,
        "generate_seconds": generated,
        "mix": {**mix, "input_rows_per_s": round(mix_rate), "output_rows_per_s": round((mix["sft"]["rows_out"] + mix["dpo"]["rows_out"]) / mix["seconds"])},
        "baseline": {**base, "input_rows_per_s": round(base_rate), "output_rows_per_s": round(base["rows_out"] / base["seconds"])},
        "speedup_rows_per_s": round(mix_rate / base_rate, 2),
        "speedup_cpu_per_row": round((base["cpu_seconds"] / base["rows_in"]) / (mix["cpu_seconds"] / rows_in), 2),
        "memory_ratio_baseline_over_mix": round(base["max_rss_mib"] / mix["max_rss_mib"], 2),
        "cpus": len(__import__("os").sched_getaffinity(0)),
        "numpy": np.__version__,
        "polars": pl.__version__,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
