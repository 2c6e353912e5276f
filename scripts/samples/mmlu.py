"""cais/mmlu sample: config "all" in the hub layout (all/<split>-00000-of-00001.parquet), fields
question, subject, choices (list), answer (int class label 0-3).

auxiliary_train is the bagel source (its subject is "" on the hub); small test/validation/dev
splits keep the README's configs readable for the MMLU benchmark. Awkward train rows: 2 and 5
choices, unicode, a long question, a duplicate, and malformed ones (answer out of range, empty
question, no choices, too many choices for the letters A-G, an empty choice list).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema([("question", pa.string()), ("subject", pa.string()), ("choices", pa.list_(pa.string())), ("answer", pa.int64())])


def q(question: str | None, choices: list[str] | None, answer: int, subject: str = "") -> dict:
    return {"question": question, "subject": subject, "choices": choices, "answer": answer}


AUX_TRAIN = [
    q("Which of these is a source of light?", ["the Moon", "a mirror", "the Sun", "a window"], 2),
    q("A farmer wants to keep soil from washing away. Which action helps most?", ["planting grass", "removing trees", "plowing downhill", "burning fields"], 0),
    q("What is 7 × 8?", ["54", "56", "58", "64"], 1),
    q("Which word is a synonym of 'rapid'?", ["slow", "quick", "quiet", "heavy"], 1),
    q("Which gas makes up most of Earth's atmosphere?", ["oxygen", "carbon dioxide", "nitrogen", "argon"], 2),
    q("In the passage, why did the author move to the city?", ["to find work", "to attend school", "to visit family", "to escape the cold"], 0),
    q("Which of these animals is a reptile?", ["frog", "salamander", "lizard", "newt"], 2),
    q("The boiling point of water at sea level is", ["90 °C", "100 °C", "110 °C", "120 °C"], 1),
    q("Is the statement true?", ["True", "False"], 0),
    q("Which planet has the most moons known as of 2023?", ["Earth", "Mars", "Jupiter", "Saturn", "Neptune"], 3),
    q("Welche Stadt ist die Hauptstadt von Österreich? (Which city is the capital of Austria?)", ["Wien", "Graz", "Salzburg", "Linz"], 0),
    q("Read the story. " + "Tom walked to the market every morning and bought bread for his family. " * 25 + "What did Tom buy?", ["milk", "bread", "eggs", "apples"], 1),
    q("Which of the following is a prime number?", ["21", "27", "29", "33"], 2),
    q("Which organ filters blood in the human body?", ["kidney", "stomach", "lung", "skin"], 0),
    q("What is 7 × 8?", ["54", "56", "58", "64"], 1),
    q("Which is the largest continent by area?", ["Africa", "Asia", "Europe", "Antarctica"], 1),
    q("What causes the seasons on Earth?", ["distance from the Sun", "the tilt of Earth's axis", "the Moon's phases", "ocean currents"], 1),
    q("Which instrument measures temperature?", ["barometer", "thermometer", "ruler", "scale"], 1),
    q("Who wrote 'Pride and Prejudice'?", ["Charlotte Brontë", "Jane Austen", "Mary Shelley", "George Eliot"], 1),
    q("Which unit measures electrical resistance?", ["ohm", "volt", "ampere", "watt"], 0),
    # malformed
    q("Which answer index is out of range?", ["one", "two", "three", "four"], 4),
    q("  ", ["yes", "no"], 0),
    q("Which row has no choices?", None, 0),
    q("Which row has too many choices?", ["a", "b", "c", "d", "e", "f", "g", "h"], 7),
    q("Which row has an empty choice list?", [], 0),
]

TEST = [
    q("How many elements does the cyclic group of order 6 have?", ["3", "6", "12", "36"], 1, "abstract_algebra"),
    q("Which bone of the skull protects the brain's frontal lobe?", ["occipital", "frontal", "temporal", "mandible"], 1, "anatomy"),
]
VALIDATION = [q("Which planet is known as the Red Planet?", ["Venus", "Mars", "Jupiter", "Mercury"], 1, "astronomy")]
DEV = [q("Which of these is a noble gas?", ["neon", "sodium", "iron", "sulfur"], 0, "high_school_chemistry")]


def write(root: Path) -> None:
    repo = root / "cais" / "mmlu"
    splits = {"auxiliary_train": AUX_TRAIN, "test": TEST, "validation": VALIDATION, "dev": DEV}
    for split, rows in splits.items():
        write_parquet(rows, repo / "all" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(repo, [{"config_name": "all", "data_files": [{"split": s, "path": f"all/{s}-*"} for s in ("test", "validation", "dev", "auxiliary_train")]}], "mmlu")
