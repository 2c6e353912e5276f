"""google/boolq sample: train/validation parquet under data/ with the hub fields (question, answer: bool, passage).

Awkward train rows: a unicode passage, a very long passage, a duplicate question, and malformed
ones (null answer, empty passage, blank question).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema([("question", pa.string()), ("answer", pa.bool_()), ("passage", pa.string())])


def row(question: str | None, answer: bool | None, passage: str | None) -> dict:
    return {"question": question, "answer": answer, "passage": passage}


LONG_PASSAGE = "Lake Baikal -- Lake Baikal is a rift lake in Siberia. " + "It holds roughly a fifth of the world's unfrozen fresh surface water. " * 40

TRAIN = [
    row("do people in iran and afghanistan speak related languages", True, "Persian language -- Persian is a Western Iranian language. It is spoken in Iran, Afghanistan (officially known as Dari since 1958) and Tajikistan (officially known as Tajiki)."),
    row("is the moon bigger than the earth", False, "Moon -- The Moon is Earth's only natural satellite. Its diameter is about one quarter of Earth's, making it the fifth largest satellite in the Solar System."),
    row("can you see the great wall of china from space", False, "Great Wall of China -- Contrary to a popular claim, the wall is not visible to the naked eye from low Earth orbit under most conditions."),
    row("is a tomato a fruit", True, "Tomato -- Botanically, a tomato is a fruit, a berry, consisting of the ovary together with its seeds, of a flowering plant."),
    row("do penguins live at the north pole", False, "Penguin -- Penguins live almost exclusively in the Southern Hemisphere; only one species lives north of the equator."),
    row("is mount everest the tallest mountain on earth", True, "Mount Everest -- Mount Everest is Earth's highest mountain above sea level, located in the Himalayas."),
    row("is the pacific the largest ocean", True, "Pacific Ocean -- The Pacific Ocean is the largest and deepest of Earth's five oceanic divisions."),
    row("does water boil at a lower temperature at high altitude", True, "Boiling point -- Because atmospheric pressure is lower at higher altitude, water boils at a lower temperature there."),
    row("is a whale a fish", False, "Whale -- Whales are fully aquatic placental marine mammals; they breathe air through blowholes."),
    row("was the eiffel tower built for a world's fair", True, "Eiffel Tower -- The tower was built as the entrance to the 1889 World's Fair in Paris."),
    row("is glass a liquid at room temperature", False, "Glass -- Glass is an amorphous solid; the claim that old window panes flow is a myth."),
    row("is tokyo the capital of japan", True, "東京 (Tokyo) -- Tokyo, officially the Tokyo Metropolis (東京都, Tōkyō-to), is the capital of Japan — and its most populous city."),
    row("does lake baikal hold a fifth of the world's fresh surface water", True, LONG_PASSAGE),
    row("is the platypus a mammal that lays eggs", True, "Platypus -- The platypus is one of only five extant species of monotremes, the only mammals that lay eggs."),
    row("is venus the hottest planet", True, "Venus -- Venus has the hottest surface of any planet in the Solar System, hotter than Mercury, because of its dense atmosphere."),
    row("is a tomato a fruit", True, "Tomato -- Botanically, a tomato is a fruit, a berry, consisting of the ovary together with its seeds, of a flowering plant."),
    row("is spider-man part of the marvel universe", True, "Spider-Man -- Spider-Man is a superhero appearing in American comic books published by Marvel Comics."),
    row("can a bee sting more than once", False, "Honey bee -- A worker honey bee's barbed stinger lodges in the skin of mammals, so it can usually sting only once."),
    row("is there a season 3 of the crown", True, "The Crown (TV series) -- The third season premiered in November 2019 with a new cast."),
    row("is null answer kept", None, "Missing label -- This row has no answer at all."),
    row("is an empty passage a problem", True, "   "),
    row("", False, "Blank question -- The question field is empty."),
]

VALIDATION = [
    row("is a spider an insect", False, "Spider -- Spiders are arachnids with eight legs; insects have six."),
    row("is copper a metal", True, "Copper -- Copper is a soft, malleable metal with very high electrical conductivity."),
]


def write(root: Path) -> None:
    repo = root / "google" / "boolq"
    for split, rows in (("train", TRAIN), ("validation", VALIDATION)):
        write_parquet(rows, repo / "data" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(
        repo,
        [{"config_name": "default", "data_files": [{"split": s, "path": f"data/{s}-*"} for s in ("train", "validation")]}],
        "boolq",
    )
