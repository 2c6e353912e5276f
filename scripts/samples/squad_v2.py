"""rajpurkar/squad_v2 sample: config squad_v2 train/validation parquet (squad_v2/<split>-00000-of-00001.parquet),
fields id, title, context, question, answers{text[], answer_start[]}.

Awkward train rows: unanswerable questions (empty answer lists), several answers, unicode, a
long context, a duplicate, and malformed ones (null answers, empty context, blank question).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("context", pa.string()),
        ("question", pa.string()),
        ("answers", pa.struct([("text", pa.list_(pa.string())), ("answer_start", pa.list_(pa.int32()))])),
    ]
)

LIGHTHOUSE = (
    "The Harbor Point lighthouse was built in 1874 to guide fishing boats into the bay. Its lamp was first fuelled by whale oil, "
    "then by kerosene, and was electrified in 1923. The keeper's cottage now houses a small maritime museum."
)
BEES = (
    "Honey bees communicate the location of flowers with a waggle dance. The angle of the dance relative to vertical shows the "
    "direction of the food source relative to the sun, and the length of the waggle run shows its distance."
)
KYOTO = "京都市 (Kyoto) was the imperial capital of Japan for more than a thousand years, from 794 until 1868, when the court moved to Tokyo."
LONG = "The glacier has retreated steadily since measurements began. " * 60 + "Scientists first mapped it in 1901."


def s(i: str, title: str, context: str, question: str | None, texts: list[str] | None, starts: list[int] | None = None) -> dict:
    answers = None if texts is None else {"text": texts, "answer_start": starts if starts is not None else [max(context.find(t), 0) for t in texts]}
    return {"id": i, "title": title, "context": context, "question": question, "answers": answers}


TRAIN = [
    s("sq-001", "Lighthouse", LIGHTHOUSE, "When was the Harbor Point lighthouse built?", ["1874"]),
    s("sq-002", "Lighthouse", LIGHTHOUSE, "What fuel did the lamp use first?", ["whale oil"]),
    s("sq-003", "Lighthouse", LIGHTHOUSE, "When was the lamp electrified?", ["1923", "in 1923"]),
    s("sq-004", "Lighthouse", LIGHTHOUSE, "What does the keeper's cottage house now?", ["a small maritime museum"]),
    s("sq-005", "Lighthouse", LIGHTHOUSE, "Who was the first keeper of the lighthouse?", []),
    s("sq-006", "Lighthouse", LIGHTHOUSE, "When was the lighthouse demolished?", []),
    s("sq-007", "Honey_bee", BEES, "How do honey bees communicate the location of flowers?", ["with a waggle dance"]),
    s("sq-008", "Honey_bee", BEES, "What does the length of the waggle run show?", ["its distance", "distance"]),
    s("sq-009", "Honey_bee", BEES, "What does the angle of the dance show?", ["the direction of the food source"]),
    s("sq-010", "Honey_bee", BEES, "How many eggs does a queen lay per day?", []),
    s("sq-011", "Kyoto", KYOTO, "Until when was Kyoto the imperial capital?", ["1868"]),
    s("sq-012", "Kyoto", KYOTO, "Where did the court move in 1868?", ["Tokyo"]),
    s("sq-013", "Kyoto", KYOTO, "京都は何年に首都になりましたか？", ["794"]),
    s("sq-014", "Kyoto", KYOTO, "Who founded Osaka?", []),
    s("sq-015", "Glacier", LONG, "When was the glacier first mapped?", ["1901"]),
    s("sq-016", "Glacier", LONG, "How fast does the glacier advance each year?", []),
    s("sq-017", "Lighthouse", LIGHTHOUSE, "When was the Harbor Point lighthouse built?", ["1874"]),
    s("sq-018", "Honey_bee", BEES, "What shows the direction of the food source?", ["The angle of the dance"]),
    s("sq-019", "Lighthouse", LIGHTHOUSE, "What guided fishing boats into the bay?", ["The Harbor Point lighthouse"]),
    s("sq-020", "Kyoto", KYOTO, "For how long was Kyoto the capital?", ["more than a thousand years"]),
    # malformed
    s("sq-021", "Lighthouse", LIGHTHOUSE, "Which row has no answers field?", None),
    s("sq-022", "Empty", "   ", "What is in an empty context?", ["nothing"], [0]),
    s("sq-023", "Lighthouse", LIGHTHOUSE, "", ["1874"]),
]

VALIDATION = [s("sq-v01", "Lighthouse", LIGHTHOUSE, "In which year was the lamp electrified?", ["1923"])]


def write(root: Path) -> None:
    repo = root / "rajpurkar" / "squad_v2"
    for split, rows in (("train", TRAIN), ("validation", VALIDATION)):
        write_parquet(rows, repo / "squad_v2" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(repo, [{"config_name": "squad_v2", "data_files": [{"split": s, "path": f"squad_v2/{s}-*"} for s in ("train", "validation")]}], "squad_v2")
