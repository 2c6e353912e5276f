"""ucinlp/drop sample: train/validation parquet under data/ (data/<split>-00000-of-00001.parquet), fields
section_id, query_id, passage, question, answers_spans{spans[], types[]}.

Awkward train rows: several questions on one passage, number and date answers, multi-span
answers, unicode, a long passage, a duplicate, and malformed ones (no spans, null answers_spans,
empty question, blank spans).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema(
    [
        ("section_id", pa.string()),
        ("query_id", pa.string()),
        ("passage", pa.string()),
        ("question", pa.string()),
        ("answers_spans", pa.struct([("spans", pa.list_(pa.string())), ("types", pa.list_(pa.string()))])),
    ]
)

GAME = (
    " The Lions opened the season at home against the Bears. Detroit scored first when quarterback Sam Ortiz threw a 12-yard "
    "touchdown pass to tight end Luis Park. Chicago answered with a 45-yard field goal by kicker Dan Webb and a 3-yard run by "
    "Marcus Hill. In the fourth quarter Ortiz found Park again from 8 yards out, and kicker Eli Stone added a 31-yard field goal "
    "to seal a 17-10 win."
)
CENSUS = (
    "As of the census of 2010, there were 12,450 people, 4,870 households, and 3,120 families residing in the town. The "
    "population density was 1,045 inhabitants per square mile. 48.9% of residents were male and 51.1% were female. The town "
    "was founded on 4 July 1821."
)
HISTORY = "In 1648 the Peace of Westphalia ended the Thirty Years' War. " + "Negotiations dragged on for years in Osnabrück and Münster. " * 30


def d(section: str, query: str, passage: str, question: str | None, spans: list[str] | None, types: list[str] | None = None) -> dict:
    answers = None if spans is None else {"spans": spans, "types": types or ["span"] * len(spans)}
    return {"section_id": section, "query_id": query, "passage": passage, "question": question, "answers_spans": answers}


TRAIN = [
    d("nfl_sample_1", "q-001", GAME, "Who scored the first touchdown of the game?", ["Luis Park"]),
    d("nfl_sample_1", "q-002", GAME, "How many yards was the longest field goal?", ["45"], ["number"]),
    d("nfl_sample_1", "q-003", GAME, "Which kickers made field goals?", ["Dan Webb", "Eli Stone"]),
    d("nfl_sample_1", "q-004", GAME, "How many touchdown passes did Ortiz throw?", ["2"], ["number"]),
    d("nfl_sample_1", "q-005", GAME, "Who won the game?", ["The Lions"]),
    d("nfl_sample_1", "q-006", GAME, "How many points did the Bears score?", ["10"], ["number"]),
    d("history_sample_2", "q-007", CENSUS, "How many more households than families were there?", ["1750"], ["number"]),
    d("history_sample_2", "q-008", CENSUS, "Which gender group was larger?", ["female"]),
    d("history_sample_2", "q-009", CENSUS, "When was the town founded?", ["4 July 1821"], ["date"]),
    d("history_sample_2", "q-010", CENSUS, "How many people lived in the town?", ["12,450"], ["number"]),
    d("history_sample_2", "q-011", CENSUS, "What percent of residents were not male?", ["51.1"], ["number"]),
    d("history_sample_3", "q-012", HISTORY, "Which war ended in 1648?", ["Thirty Years' War"]),
    d("history_sample_3", "q-013", HISTORY, "In which cities did negotiations take place?", ["Osnabrück", "Münster"]),
    d("nfl_sample_1", "q-014", GAME, "How many yards was the shortest touchdown?", ["3"], ["number"]),
    d("nfl_sample_1", "q-015", GAME, "Who ran for a touchdown?", ["Marcus Hill"]),
    d("nfl_sample_1", "q-016", GAME, "Who caught both Detroit touchdowns?", ["Luis Park"]),
    d("history_sample_2", "q-017", CENSUS, "How many people per square mile lived in the town?", ["1,045"], ["number"]),
    d("nfl_sample_1", "q-018", GAME, "Who scored the first touchdown of the game?", ["Luis Park"]),
    d("history_sample_3", "q-019", HISTORY, "What ended the Thirty Years' War?", ["the Peace of Westphalia"]),
    d("nfl_sample_1", "q-020", GAME, "How many field goals were kicked?", ["2"], ["number"]),
    # malformed
    d("nfl_sample_1", "q-021", GAME, "Which question has no spans?", []),
    d("nfl_sample_1", "q-022", GAME, "Which question has no answers at all?", None),
    d("nfl_sample_1", "q-023", GAME, "   ", ["Luis Park"]),
    d("nfl_sample_1", "q-024", GAME, "Which question has only blank spans?", ["", " "]),
]

VALIDATION = [d("nfl_sample_9", "v-001", GAME, "How many points did the Lions score?", ["17"], ["number"])]


def write(root: Path) -> None:
    repo = root / "ucinlp" / "drop"
    for split, rows in (("train", TRAIN), ("validation", VALIDATION)):
        write_parquet(rows, repo / "data" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(repo, [{"config_name": "default", "data_files": [{"split": s, "path": f"data/{s}-*"} for s in ("train", "validation")]}], "drop")
