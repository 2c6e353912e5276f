"""allenai/openbookqa sample: config "main" train/validation/test parquet (main/<split>-00000-of-00001.parquet),
fields id, question_stem, choices{text[], label[]}, answerKey.

Awkward train rows: unicode, a long stem, a duplicate stem, and malformed ones (answer key not
among labels, empty stem, ragged choices, null choices, a repeated label).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("question_stem", pa.string()),
        ("choices", pa.struct([("text", pa.list_(pa.string())), ("label", pa.list_(pa.string()))])),
        ("answerKey", pa.string()),
    ]
)


def q(i: str, stem: str, texts: list[str], answer: str, labels: list[str] | None = None) -> dict:
    return {"id": i, "question_stem": stem, "choices": {"text": texts, "label": labels or ["A", "B", "C", "D"][: len(texts)]}, "answerKey": answer}


TRAIN = [
    q("8-099", "Seeds are often spread by", ["wind and animals", "magnets", "moonlight", "thunder"], "A"),
    q("8-100", "Looking at a tall tower from far away, the tower", ["seems taller than up close", "seems smaller than up close", "changes color", "disappears at noon"], "B"),
    q("8-101", "A magnet will stick to", ["a wooden spoon", "a steel nail", "a glass cup", "a rubber ball"], "B"),
    q("8-102", "Which would most likely melt in a hot car?", ["a crayon", "a rock", "a coin", "a spoon"], "A"),
    q("8-103", "An example of a renewable resource is", ["coal", "sunlight", "oil", "natural gas"], "B"),
    q("8-104", "Plants need which of these to make food?", ["darkness", "sunlight", "sand", "salt"], "B"),
    q("8-105", "Sound travels fastest through", ["air", "a vacuum", "steel", "water vapor"], "C"),
    q("8-106", "A bird's hollow bones help it", ["swim", "fly", "dig", "hibernate"], "B"),
    q("8-107", "The moon's light is actually", ["made by the moon", "reflected sunlight", "starlight", "heat from the core"], "B"),
    q("8-108", "Which of these is a conductor of electricity?", ["copper wire", "plastic straw", "wool sock", "paper towel"], "A"),
    q("8-109", "Evaporation happens fastest when water is", ["cold", "frozen", "warm", "covered"], "C"),
    q("8-110", "Eis schmilzt bei 0 °C — ice melting is an example of", ["a chemical change", "a physical change", "nuclear fusion", "photosynthesis"], "B"),
    q("8-111", "A student records the shadow of a stick every hour of the day. " * 10 + "The shadow is shortest at", ["sunrise", "noon", "sunset", "midnight"], "B"),
    q("8-112", "Fossils are most often found in", ["sedimentary rock", "igneous rock", "lava", "glaciers"], "A"),
    q("8-113", "An animal that eats only plants is a", ["carnivore", "herbivore", "predator", "scavenger"], "B"),
    q("8-114", "Which tool would best measure the length of a leaf?", ["a ruler", "a thermometer", "a scale", "a stopwatch"], "A"),
    q("8-115", "A plant's roots absorb", ["sunlight", "water", "carbon dioxide", "oxygen"], "B"),
    q("8-116", "Friction causes a sliding book to", ["speed up", "slow down", "float", "change color"], "B"),
    q("8-117", "Seeds are often spread by", ["wind and animals", "magnets", "moonlight", "thunder"], "A"),
    q("8-118", "Which is a mixture?", ["salt water", "pure gold", "oxygen gas", "distilled water"], "A"),
    # malformed
    q("9-001", "Which key is missing?", ["one", "two", "three", "four"], "E"),
    q("9-002", "", ["yes", "no", "maybe", "never"], "A"),
    {"id": "9-003", "question_stem": "Which row has ragged choices?", "choices": {"text": ["a", "b", "c"], "label": ["A", "B"]}, "answerKey": "A"},
    {"id": "9-004", "question_stem": "Which row has no choices?", "choices": None, "answerKey": "A"},
    q("9-005", "Which row repeats a label?", ["red", "green", "blue", "yellow"], "C", ["A", "B", "C", "C"]),
]

VALIDATION = [q("8-901", "Animals living deep in the ocean must survive", ["bright sunlight", "high pressure", "dry air", "snow"], "B")]
TEST = [q("8-951", "To save money for a trip, a family could", ["buy more snacks", "cook at home more often", "leave lights on", "take taxis everywhere"], "B")]


def write(root: Path) -> None:
    repo = root / "allenai" / "openbookqa"
    for split, rows in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
        write_parquet(rows, repo / "main" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(repo, [{"config_name": "main", "data_files": [{"split": s, "path": f"main/{s}-*"} for s in ("train", "validation", "test")]}], "openbookqa")
