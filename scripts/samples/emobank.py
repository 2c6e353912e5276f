"""JULIELab/EmoBank sample (a GitHub file, not a hub repo): corpus/emobank.csv with the real header
id,split,V,A,D and text, V/A/D written like 3.0, and the file's quoting quirks (unbalanced quotes
from sentence splitting, doubled quotes inside quoted fields).

Awkward rows: dev/test rows (kept out by the converter), unicode, a long text, a duplicate
text, and malformed ones (non-numeric V, a score outside 1-5, empty text, a text that is only a
quote mark, punctuation only). Written as raw CSV lines so the quoting is exactly as shown.
"""

from __future__ import annotations

from pathlib import Path

HEADER = "id,split,V,A,D,text"

LINES = [
    'sample_001_0_40,train,3.0,3.0,3.2,"Remember what she told me last spring? """',
    "sample_001_41_70,test,2.8,3.1,2.8,If I wasn't working here.",
    "sample_001_71_120,train,3.44,3.0,3.22,The library helps people find jobs every week.",
    "sample_002_0_33,train,4.2,3.6,3.4,We won the regional final tonight!",
    "sample_002_34_70,dev,3.0,2.9,3.0,The meeting moved to room 204.",
    "sample_002_71_110,train,1.8,3.4,2.6,I lost my wallet and my phone on the train.",
    'sample_003_0_45,train,3.1,2.8,3.0,"The report calls the program ""uniquely effective."""',
    'sample_003_46_80,train,3.0,3.0,3.0,"""You can start again."',
    "sample_003_81_120,train,2.2,3.8,2.4,The storm destroyed three houses on our street.",
    "sample_004_0_30,train,3.6,3.2,3.3,Thanks so much for the flowers.",
    "sample_004_31_60,train,3.0,2.6,3.1,The bus leaves at 7:15.",
    "sample_004_61_90,train,3.9,3.3,3.2,Café au lait and croissants — the perfect Sunday ☕.",
    "sample_005_0_900,train,2.9,2.7,3.0," + "The committee reviewed the budget line by line and postponed the vote; " * 12 + "nobody was happy.",
    "sample_005_901_940,train,3.0,3.0,3.0,The bus leaves at 7:15.",
    "sample_006_0_25,train,4.0,3.9,3.5,I got the job!!!",
    "sample_006_26_60,train,2.0,2.2,2.1,Nobody came to the party.",
    "sample_006_61_95,test,3.2,3.0,3.1,Please close the door behind you.",
    "sample_007_0_30,train,3.3,3.1,3.4,Our volunteers planted 200 trees.",
    "sample_007_31_70,train,2.5,3.5,2.8,The deadline was moved up by a week.",
    "sample_007_71_99,train,3.0,2.9,3.0,Call me when you land.",
    "sample_008_0_20,train,3.5,3.0,3.2,Dinner is ready.",
    # malformed
    "sample_009_0_20,train,high,3.0,3.0,This score is not a number.",
    "sample_009_21_40,train,3.0,7.5,3.0,This arousal is outside the scale.",
    'sample_009_41_45,train,3.0,3.0,3.0,""',
    'sample_009_46_50,train,3.0,3.0,3.0,""""',
    "sample_009_51_55,train,3.0,3.0,3.0,!",
]


def write(root: Path) -> None:
    path = root / "JULIELab" / "EmoBank" / "corpus" / "emobank.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
