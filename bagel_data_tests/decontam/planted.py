"""The contamination planted in the shipped samples: every training sample row that the sample
benchmarks copy, reformat, shuffle or reword, and nothing else. One place, used by the tests.

(source, row_key, benchmark, benchmark item id, how)
"""

from __future__ import annotations

GAME_ROWS = (0, 1, 2, 3, 4, 5, 13, 14, 15, 19)  # drop train rows on the passage the drop validation sample reuses

PLANTED = [
    ("ai2_arc", "ARC-Challenge/train-00000-of-00001.parquet:4", "arc_challenge", "Sample_ARC_T03", "exact copy"),
    ("ai2_arc", "ARC-Challenge/train-00000-of-00001.parquet:10", "arc_challenge", "Sample_ARC_V02", "options shuffled"),
    ("ai2_arc", "ARC-Challenge/train-00000-of-00001.parquet:16", "mmlu", "all/test-00001-of-00002.parquet:0", "reworded question"),
    ("airoboros_general", "airoboros-3.2.parquet:0", "alpaca_eval", "alpaca_eval.json:0", "copy (system prompt added)"),
    ("lmsys_chat_1m", "data/train-00000-of-00001.parquet:8", "mt_bench", "901", "reworded"),
    ("mathinstruct", "MathInstruct.json:17", "gsm8k", "main/test-00000-of-00001.parquet:0", "whitespace reformatted"),
    ("truthy", "truthy-dpo.parquet:1", "truthfulqa", "generation/validation-00000-of-00001.parquet:0", "DPO prompt copy"),
    ("winogrande", "winogrande_xl/train-00000-of-00001.parquet:19", "winogrande", "winogrande_xl/validation-00001-of-00002.parquet:0", "punctuation removed"),
    # the drop sample's own validation row (scripts/samples/drop.py) reuses a train passage: every row on it is contaminated
    *[("drop", f"data/train-00000-of-00001.parquet:{i}", "drop", "v-001", "benchmark passage in the prompt") for i in GAME_ROWS],
]
