"""Peak memory of the JSONL reader: a clean file (Arrow's fast path) against the same file with a
share of malformed lines (the line-by-line fallback), each read in a fresh subprocess.

    python benchmarks/reader_memory.py [--mb 400] [--malformed 0.04] [--dir /tmp]

Prints the size, peak RSS (ru_maxrss of the child) and wall time of each read and the ratio
malformed / clean. The fallback must stay within 2x the clean path (issue 10, item 7).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import resource, sys, time
from pathlib import Path
from bagel_data.reading.readers import read_file
start = time.perf_counter()
rows, rejects = read_file(Path(sys.argv[1]), "bench.jsonl")
took = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(rows.height, rejects.height, peak_kib, round(took, 2))
"""


def _record(i: int) -> str:
    words = " ".join(f"word{(i * 7 + k) % 997}" for k in range(40))
    return json.dumps(
        {
            "id": f"row-{i}",
            "conversations": [
                {"from": "system", "value": "You are a helpful assistant."},
                {"from": "human", "value": f"Question {i}: {words}?"},
                {"from": "gpt", "value": f"Answer {i}: {words} {words}. ünïcödé ✓"},
            ],
            "score": i % 5,
        },
        ensure_ascii=False,
    )


def write_files(folder: Path, megabytes: int, malformed: float) -> tuple[Path, Path]:
    clean, damaged = folder / "clean.jsonl", folder / "malformed.jsonl"
    every = round(1 / malformed) if malformed else 0
    target, written, i = megabytes * 1_000_000, 0, 0
    with clean.open("w", encoding="utf-8") as a, damaged.open("w", encoding="utf-8") as b:
        while written < target:
            line = _record(i)
            a.write(line + "\n")
            b.write((line[: len(line) // 2] if every and i % every == every - 1 else line) + "\n")  # a cut line: invalid JSON
            written += len(line) + 1
            i += 1
    return clean, damaged


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True)
    rows, rejects, peak_kib, took = out.stdout.split()
    return {"rows": int(rows), "rejects": int(rejects), "peak_mb": int(peak_kib) / 1024, "seconds": float(took)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=400, help="size of the generated JSONL in MB")
    parser.add_argument("--malformed", type=float, default=0.04, help="share of malformed lines")
    parser.add_argument("--dir", default=None, help="where to write the two files (deleted afterwards)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        started = time.perf_counter()
        clean, damaged = write_files(Path(tmp), args.mb, args.malformed)
        print(f"generated 2 x {clean.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s")
        results = {"clean": measure(clean), "malformed": measure(damaged)}
    for name, r in results.items():
        print(f"{name:9}  rows {r['rows']:>9}  rejects {r['rejects']:>7}  peak RSS {r['peak_mb']:>8.0f} MB  {r['seconds']:>6.1f} s")
    ratio = results["malformed"]["peak_mb"] / results["clean"]["peak_mb"]
    print(f"peak RSS malformed / clean = {ratio:.2f} (limit 2.00); time ratio {results['malformed']['seconds'] / results['clean']['seconds']:.2f}")


if __name__ == "__main__":
    main()
