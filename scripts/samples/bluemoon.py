"""Squish42/bluemoon-fandom-1-1-rp-cleaned sample: data/pruned/bluemoon.train.json, one JSON array
of {"id", "conversations": [{"from": "human"|"gpt", "value"}]} as on the hub.

Made-up roleplay threads: long multi-turn ones, unicode, a very long post, a thread ending on an
unanswered post (trimmed), a duplicate, and malformed ones (the partner opens, two posts in a
row by the same side, an empty post, a lone post, no conversations, an array item that is not
an object).
"""

from __future__ import annotations

import json
from pathlib import Path

LONG_POST = " ".join(
    f"The rain kept falling on the old stone bridge as Mara counted her steps, number {i}, and wondered whether the letter had ever arrived."
    for i in range(1, 71)
)


def thread(i: int, *posts: str, first: str = "human") -> dict:
    sides = ("human", "gpt") if first == "human" else ("gpt", "human")
    return {"id": i, "conversations": [{"from": sides[n % 2], "value": text} for n, text in enumerate(posts)]}


ROWS = [
    thread(1, "*Elena pushes open the tavern door, shaking snow from her cloak.* Is this seat taken?", "*The hooded stranger looks up slowly.* Depends who's asking.", "Someone who has walked three days to find you.", "*He slides the chair out with his boot.* Then sit. You have one minute."),
    thread(2, "The ship's alarm blares as Captain Reyes stumbles onto the bridge. \"Report!\"", "\"Hull breach on deck four, Captain. We're venting atmosphere.\"", "\"Seal it off. Nobody else dies today.\"", "\"Aye, sealing now... Captain, there are still two crew on that deck.\""),
    thread(3, "Kaito adjusted his glasses and stared at the exam sheet. Question one already made no sense.", "Beside him, Hana slid a folded note across the desk, eyes fixed forward.", "He unfolded it under the table: 'Meet me on the roof after class.'"),
    thread(4, "Café au lait, s'il vous plaît — Léa sourit au serveur. 😊", "Le serveur hoche la tête. « Tout de suite, mademoiselle. »"),
    thread(5, LONG_POST, "Mara stopped at the end of the bridge. Someone was waiting in the fog."),
    thread(6, "The dragon lands on the castle wall, scattering guards.", "*Sir Aldric raises his shield.* Turn back, beast!", "The dragon laughs, a sound like grinding stone."),
    thread(7, "*Elena pushes open the tavern door, shaking snow from her cloak.* Is this seat taken?", "No.", "Someone who has walked three days to find you.", "Fine."),
    thread(8, "You finally made it! I thought you got lost.", "Traffic. Don't ask.", first="gpt"),
    {"id": 9, "conversations": [{"from": "human", "value": "The door creaks."}, {"from": "human", "value": "Nobody answers."}, {"from": "gpt", "value": "A light flickers upstairs."}]},
    thread(10, "The detective lit a cigarette.", "   "),
    thread(11, "Is anyone out there?"),
    {"id": 12},
    "not an object",
    thread(13, "The market was loud and smelled of oranges.", "Ines haggled over a basket of figs.", "The vendor threw up his hands and laughed.", "She walked away with the figs and a free lemon."),
    thread(14, "Snow fell on the cabin for the third day.", "Jonah split the last of the firewood."),
]


def write(root: Path) -> None:
    path = root / "Squish42" / "bluemoon-fandom-1-1-rp-cleaned" / "data" / "pruned" / "bluemoon.train.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ROWS, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
