"""allenai/winogrande sample: config winogrande_xl train/validation/test parquet
(winogrande_xl/<split>-00000-of-00001.parquet), fields sentence, option1, option2, answer ("1"/"2"; "" in test).

Awkward train rows: twin sentences, unicode, a long sentence, a duplicate, and malformed ones
(empty answer as in the test split, answer "3", empty sentence, null option2).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema([("sentence", pa.string()), ("option1", pa.string()), ("option2", pa.string()), ("answer", pa.string())])


def w(sentence: str | None, option1: str | None, option2: str | None, answer: str | None) -> dict:
    return {"sentence": sentence, "option1": option1, "option2": option2, "answer": answer}


TRAIN = [
    w("Maria lent her umbrella to Sofia because _ was going to walk home in the rain.", "Maria", "Sofia", "2"),
    w("Maria lent her umbrella to Sofia because _ was not going out again that day.", "Maria", "Sofia", "1"),
    w("The trophy would not fit in the suitcase because the _ was too big.", "trophy", "suitcase", "1"),
    w("The trophy would not fit in the suitcase because the _ was too small.", "trophy", "suitcase", "2"),
    w("Kevin asked Brian for help with the math homework because _ was good at algebra.", "Kevin", "Brian", "2"),
    w("The cat chased the mouse until the _ was too tired to keep running away.", "cat", "mouse", "2"),
    w("Jenny watered the plants more than the cactus because the _ needed less water.", "plants", "cactus", "2"),
    w("The soup was colder than the tea, so Amy microwaved the _ first.", "soup", "tea", "1"),
    w("Ben's car broke down but Sam's did not, so _ had to take the bus.", "Ben", "Sam", "1"),
    w("The lamp was brighter than the candle because the _ used electricity.", "lamp", "candle", "1"),
    w("Rachel practiced piano daily while Monica rarely did, so _ played better at the recital.", "Rachel", "Monica", "1"),
    w("José invited Zoë to the café because _ wanted to try the crème brûlée there.", "José", "Zoë", "1"),
    w("The blanket was warmer than the sheet, so on the cold night Tom chose the _.", "blanket", "sheet", "1"),
    w("After a long day that started before dawn with a commute across town, a double shift, " * 6 + "Nina was more tired than Olga because _ worked longer.", "Nina", "Olga", "1"),
    w("The glass broke when it fell on the tile but the cup did not, because the _ was plastic.", "glass", "cup", "2"),
    w("Derrick could lift more than Adam because _ trained at the gym every day.", "Derrick", "Adam", "1"),
    w("The trophy would not fit in the suitcase because the _ was too big.", "trophy", "suitcase", "1"),
    w("The river was deeper than the pond, so the boat sailed on the _.", "river", "pond", "1"),
    w("Laura's garden grew more vegetables than Kim's because _ used better soil.", "Laura", "Kim", "1"),
    w("The book was more interesting than the movie, so Eric finished the _ first.", "book", "movie", "1"),
    # malformed
    w("Sarah gave Emily a ride because _ had no car.", "Sarah", "Emily", ""),
    w("The dog barked at the cat because the _ was on the fence.", "dog", "cat", "3"),
    w("", "Alex", "Jordan", "1"),
    w("The key opened the door but not the gate because the _ lock was rusty.", "door", None, "2"),
]

VALIDATION = [w("Sam could not see the stage over Lee because _ was so tall.", "Sam", "Lee", "2")]
TEST = [w("The ice melted faster than the snow because the _ was in the sun.", "ice", "snow", "")]


def write(root: Path) -> None:
    repo = root / "allenai" / "winogrande"
    for split, rows in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
        write_parquet(rows, repo / "winogrande_xl" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(
        repo,
        [{"config_name": "winogrande_xl", "data_files": [{"split": s, "path": f"winogrande_xl/{s}-*"} for s in ("train", "test", "validation")]}],
        "winogrande",
    )
