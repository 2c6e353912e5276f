"""Muennighoff/natural-instructions sample: JSON Lines under train/ (and test/), one row per task
instance with the hub's flattened fields task_name, id, definition, inputs, targets.

Three tasks in two files. Awkward rows: the same input with two different targets (the hub card
warns about these), unicode, a long input, and malformed ones (empty targets, blank inputs, a
missing definition field, a line that is not JSON).
"""

from __future__ import annotations

import json
from pathlib import Path

EDIBLE = "In this task, you are given an item and you need to check whether it is edible or not, return 1 if it is edible, else return 2."
SENTIMENT = "Given a short product review, classify its sentiment as \"positive\" or \"negative\"."
TRANSLATE = "Translate the given English sentence into French. Keep names unchanged."


def r(task: str, n: int, definition: str | None, inputs: str | None, targets: str | None) -> dict:
    row = {"task_name": task, "id": f"{task.split('_')[0]}-sample{n:04d}", "definition": definition, "inputs": inputs, "targets": targets}
    if definition is None:
        del row["definition"]
    return row


EDIBLE_TASK = "task9001_sample_item_edible"
SENTIMENT_TASK = "task9002_sample_review_sentiment"
TRANSLATE_TASK = "task9003_sample_en_fr_translation"

FILE_A = [
    r(EDIBLE_TASK, 1, EDIBLE, "apple", "1"),
    r(EDIBLE_TASK, 2, EDIBLE, "stapler", "2"),
    r(EDIBLE_TASK, 3, EDIBLE, "bread roll", "1"),
    r(EDIBLE_TASK, 4, EDIBLE, "ceramic mug", "2"),
    r(EDIBLE_TASK, 5, EDIBLE, "crème brûlée", "1"),
    r(EDIBLE_TASK, 6, EDIBLE, "garden hose", "2"),
    r(EDIBLE_TASK, 7, EDIBLE, "carrot", "1"),
    r(EDIBLE_TASK, 8, EDIBLE, "carrot", "1"),
    r(SENTIMENT_TASK, 1, SENTIMENT, "The blender broke after two days. Waste of money.", "negative"),
    r(SENTIMENT_TASK, 2, SENTIMENT, "Fits perfectly and the battery lasts all week!", "positive"),
    r(SENTIMENT_TASK, 3, SENTIMENT, "Arrived late, but works great.", "positive"),
    r(SENTIMENT_TASK, 4, SENTIMENT, "Arrived late, but works great.", "negative"),
    r(SENTIMENT_TASK, 5, SENTIMENT, "I " + "really " * 120 + "love this lamp.", "positive"),
    r(SENTIMENT_TASK, 6, SENTIMENT, "Terrible customer service 😡", "negative"),
    # malformed
    r(EDIBLE_TASK, 9, EDIBLE, "pebble", ""),
    r(SENTIMENT_TASK, 7, SENTIMENT, "   ", "positive"),
]

FILE_B = [
    r(TRANSLATE_TASK, 1, TRANSLATE, "Good morning, Anna.", "Bonjour, Anna."),
    r(TRANSLATE_TASK, 2, TRANSLATE, "The museum opens at nine.", "Le musée ouvre à neuf heures."),
    r(TRANSLATE_TASK, 3, TRANSLATE, "Where is the train station?", "Où est la gare ?"),
    r(TRANSLATE_TASK, 4, TRANSLATE, "I would like a coffee, please.", "Je voudrais un café, s'il vous plaît."),
    r(TRANSLATE_TASK, 5, TRANSLATE, "Paul lives in Lyon.", "Paul habite à Lyon."),
    r(TRANSLATE_TASK, 6, TRANSLATE, "It is raining today.", "Il pleut aujourd'hui."),
    r(TRANSLATE_TASK, 7, None, "See you tomorrow.", "À demain."),
]

TEST = [r(EDIBLE_TASK, 50, EDIBLE, "banana", "1")]


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write(root: Path) -> None:
    repo = root / "Muennighoff" / "natural-instructions"
    (repo / "train").mkdir(parents=True, exist_ok=True)
    (repo / "test").mkdir(parents=True, exist_ok=True)
    (repo / "train" / "sample_part_a.jsonl").write_text(_jsonl(FILE_A), encoding="utf-8")
    # a truncated line, as a broken download would leave it: a reading reject, not a crash
    broken = '{"task_name": "task9003_sample_en_fr_translation", "id": "task9003-sample0008", "definition": "Translate'
    (repo / "train" / "sample_part_b.jsonl").write_text(_jsonl(FILE_B) + broken + "\n", encoding="utf-8")
    (repo / "test" / "sample_part_a.jsonl").write_text(_jsonl(TEST), encoding="utf-8")
