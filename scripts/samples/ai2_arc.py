"""allenai/ai2_arc sample: ARC-Challenge train/test/validation parquet in the hub layout.

Train rows are made up; awkward rows: numeric labels, 3 and 5 choices, unicode, a very long
stem, and malformed ones (answer key not among labels, empty question, ragged choices, no choices).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("question", pa.string()),
        ("choices", pa.struct([("text", pa.list_(pa.string())), ("label", pa.list_(pa.string()))])),
        ("answerKey", pa.string()),
    ]
)

ABCD = ["A", "B", "C", "D"]


def q(i: str, question: str, texts: list[str], answer: str, labels: list[str] | None = None) -> dict:
    return {"id": i, "question": question, "choices": {"text": texts, "label": labels or ABCD[: len(texts)]}, "answerKey": answer}


TRAIN = [
    q("Sample_ARC_001", "Which gas do green plants take in from the air to make food?", ["oxygen", "carbon dioxide", "nitrogen", "helium"], "B"),
    q("Sample_ARC_002", "A student drops a ball from a balcony. Which force pulls the ball toward the ground?", ["friction", "magnetism", "gravity", "buoyancy"], "C"),
    q("Sample_ARC_003", "Which tool is best for measuring the mass of a small rock?", ["balance", "ruler", "thermometer", "graduated cylinder"], "A"),
    q("Sample_ARC_004", "What is the main source of energy for Earth's water cycle?", ["the Moon", "the Sun", "volcanoes", "ocean currents"], "B"),
    q("Sample_ARC_005", "Which of these is a renewable resource?", ["coal", "natural gas", "wind", "oil"], "C"),
    q("Sample_ARC_006", "Frost forms on a window on a cold morning. Which change of state is this?", ["melting", "evaporation", "condensation", "deposition"], "D"),
    q("Sample_ARC_007", "Which organ pumps blood through the human body?", ["lungs", "heart", "liver", "kidney"], "2", ["1", "2", "3", "4"]),
    q("Sample_ARC_008", "Which layer of Earth lies directly beneath the crust?", ["inner core", "outer core", "mantle"], "C"),
    q("Sample_ARC_009", "A food chain starts with which kind of organism?", ["producer", "herbivore", "carnivore", "decomposer", "scavenger"], "A", ["A", "B", "C", "D", "E"]),
    q("Sample_ARC_010", "Wasser gefriert bei welcher Temperatur (°C) auf Meereshöhe? — Which temperature is that?", ["0 °C", "32 °C", "100 °C", "−40 °C"], "A"),
    q("Sample_ARC_011", "Why does a metal spoon feel colder than a wooden spoon at the same room temperature?", ["Metal conducts heat away from the hand faster.", "Metal is always colder than wood.", "Wood produces heat.", "Metal absorbs light."], "A"),
    q("Sample_ARC_012", "Which property of a mineral describes how it reflects light?", ["hardness", "luster", "streak", "cleavage"], "B"),
    q("Sample_ARC_013", "Which simple machine is a ramp?", ["lever", "pulley", "inclined plane", "wheel and axle"], "C"),
    q("Sample_ARC_014", "What do we call the path a planet takes around the Sun?", ["orbit", "axis", "rotation", "eclipse"], "A"),
    q("Sample_ARC_015", "Which is the best evidence that two rock layers formed at different times?", ["They are different colors.", "They contain different index fossils.", "They are both sedimentary.", "They are the same thickness."], "B"),
    q("Sample_ARC_016", "During an experiment a student records the temperature every minute. " * 12 + "Which graph best shows the data?", ["bar graph", "line graph", "pie chart", "pictograph"], "B"),
    q("Sample_ARC_017", "A cell's instructions for making proteins are stored in which structure?", ["cell wall", "nucleus", "vacuole", "chloroplast"], "B"),
    q("Sample_ARC_018", "Which unit is used to measure electric current?", ["volt", "ohm", "ampere", "watt"], "C"),
    q("Sample_ARC_019", "Which planet is closest to the Sun?", ["Venus", "Earth", "Mercury", "Mars"], "C"),
    q("Sample_ARC_020", "Which process do plants use to release water vapor through their leaves?", ["transpiration", "respiration", "germination", "pollination"], "A"),
    # malformed
    q("Sample_ARC_021", "Which metal is liquid at room temperature?", ["iron", "mercury", "copper", "zinc"], "E"),
    q("Sample_ARC_022", "   ", ["yes", "no"], "A"),
    {"id": "Sample_ARC_023", "question": "Which state of matter has a fixed volume but no fixed shape?", "choices": {"text": ["solid", "liquid", "gas"], "label": ["A", "B"]}, "answerKey": "B"},
    {"id": "Sample_ARC_024", "question": "Which animal is a mammal?", "choices": None, "answerKey": "A"},
]

TEST = [
    q("Sample_ARC_T01", "Which body system breaks food down into nutrients?", ["digestive", "nervous", "skeletal", "respiratory"], "A"),
    q("Sample_ARC_T02", "Which is a chemical change?", ["ice melting", "paper burning", "glass breaking", "salt dissolving"], "B"),
    # planted contamination (bagel_data_tests/decontam/planted.py): an exact copy of train Sample_ARC_005
    q("Sample_ARC_T03", "Which of these is a renewable resource?", ["coal", "natural gas", "wind", "oil"], "C"),
]
VALIDATION = [
    q("Sample_ARC_V01", "Which instrument measures air pressure?", ["barometer", "anemometer", "hygrometer", "rain gauge"], "A"),
    # planted contamination: train Sample_ARC_011 with its options shuffled
    q(
        "Sample_ARC_V02",
        "Why does a metal spoon feel colder than a wooden spoon at the same room temperature?",
        ["Metal absorbs light.", "Wood produces heat.", "Metal conducts heat away from the hand faster.", "Metal is always colder than wood."],
        "C",
    ),
]


def write(root: Path) -> None:
    repo = root / "allenai" / "ai2_arc"
    for split, rows in (("train", TRAIN), ("test", TEST), ("validation", VALIDATION)):
        write_parquet(rows, repo / "ARC-Challenge" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(
        repo,
        [
            {
                "config_name": "ARC-Challenge",
                "data_files": [{"split": s, "path": f"ARC-Challenge/{s}-*"} for s in ("train", "test", "validation")],
            }
        ],
        "ai2_arc",
    )
