"""Lay the real benchmark files of ../shared/realdata out as a hub-layout mirror (HF field names),
so tests and the quality harness read them through the same path as production. Also loads the
real MMLU files as frames, which the harness uses for its positives and negatives."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq


def _parquet(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def _jsonl(path: Path) -> list[dict]:
    text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def mmlu_rows(realdata: Path, split: str) -> list[dict]:
    """HF cais/mmlu rows (question, subject, choices, answer) from the per-subject CSVs of `split` (test|dev)."""
    rows = []
    for path in sorted((realdata / "mmlu" / split).glob(f"*_{split}.csv")):
        subject = path.name.removesuffix(f"_{split}.csv")
        with path.open(encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                choices = [rec[f"choice{i}"] for i in range(4)]
                rows.append({"question": rec["question"], "subject": subject, "choices": choices, "answer": int(rec["answer"])})
    return rows


def arc_rows(realdata: Path, name: str) -> list[dict]:
    """HF ai2_arc rows from an AI2 release file (`Dev` or `Test`)."""
    out = []
    for r in _jsonl(realdata / "arc_challenge" / f"ARC-Challenge-{name}.jsonl"):
        ch = r["question"]["choices"]
        out.append({"id": r["id"], "question": r["question"]["stem"], "choices": {"text": [c["text"] for c in ch], "label": [c["label"] for c in ch]}, "answerKey": r["answerKey"]})
    return out


def winogrande_rows(realdata: Path, split: str) -> list[dict]:
    with (realdata / "winogrande" / "winogrande_za_english.csv").open(encoding="utf-8", newline="") as fh:
        return [
            {"sentence": r["English Sentence"], "option1": r["English Option 1"], "option2": r["English Option 2"], "answer": r["Answer"]}
            for r in csv.DictReader(fh)
            if r["Split"] == split
        ]


def truthfulqa_rows(realdata: Path) -> list[dict]:
    with (realdata / "truthfulqa" / "TruthfulQA.csv").open(encoding="utf-8", newline="") as fh:
        return [
            {
                "type": r["Type"], "category": r["Category"], "question": r["Question"], "best_answer": r["Best Answer"],
                "correct_answers": r["Correct Answers"].split("; "), "incorrect_answers": r["Incorrect Answers"].split("; "), "source": r["Source"],
            }
            for r in csv.DictReader(fh)
        ]


def drop_rows(realdata: Path) -> list[dict]:
    data = json.loads((realdata / "drop" / "hf_dummy_drop_dataset_dev.json").read_text(encoding="utf-8"))
    return [
        {"section_id": pid, "query_id": qa["query_id"], "passage": p["passage"], "question": qa["question"],
         "answers_spans": {"spans": qa["answer"]["spans"], "types": ["span"] * len(qa["answer"]["spans"])}}
        for pid, p in data.items()
        for qa in p["qa_pairs"]
    ]


def layout_real_benchmarks(realdata: Path, mirror: Path) -> None:
    """Write every real benchmark split where the recipe's upstreams expect it under `mirror`."""
    alpaca = json.loads((realdata / "alpaca_eval" / "text_davinci_003_model_outputs.json").read_text(encoding="utf-8"))
    target = mirror / "tatsu-lab" / "alpaca_eval" / "alpaca_eval.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(alpaca), encoding="utf-8")
    mt = mirror / "lm-sys" / "FastChat" / "fastchat" / "llm_judge" / "data" / "mt_bench" / "question.jsonl"
    mt.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(realdata / "mt_bench" / "question.jsonl", mt)
    _parquet(drop_rows(realdata), mirror / "ucinlp" / "drop" / "data" / "validation-00000-of-00001.parquet")
    _parquet(winogrande_rows(realdata, "dev"), mirror / "allenai" / "winogrande" / "winogrande_xl" / "validation-00000-of-00001.parquet")
    _parquet(mmlu_rows(realdata, "test"), mirror / "cais" / "mmlu" / "all" / "test-00000-of-00001.parquet")
    _parquet(truthfulqa_rows(realdata), mirror / "truthfulqa" / "truthful_qa" / "generation" / "validation-00000-of-00001.parquet")
    _parquet(_jsonl(realdata / "gsm8k_test" / "test.jsonl"), mirror / "openai" / "gsm8k" / "main" / "test-00000-of-00001.parquet")
    for name, split in (("Test", "test"), ("Dev", "validation")):
        _parquet(arc_rows(realdata, name), mirror / "allenai" / "ai2_arc" / "ARC-Challenge" / f"{split}-00000-of-00001.parquet")
    _parquet(_jsonl(realdata / "humaneval" / "HumanEval.jsonl.gz"), mirror / "openai" / "openai_humaneval" / "openai_humaneval" / "test-00000-of-00001.parquet")


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.from_dicts(rows, infer_schema_length=None)
