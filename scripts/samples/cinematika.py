"""jondurbin/cinematika-v0.1 sample: the six parquet files bagel reads, at the repo root as on the
hub: prompt_to_character_card, rp_to_character_card, scene_summary, scene_enhancement (input,
output), scene_by_scene (scene_by_scene) and plain_full_script (plain_full_script).

Made-up screenplay snippets with "[scene]" markers (with and without trailing whitespace),
unicode, a long script, duplicates (an instruction repeated across files, a repeated scene) and
malformed rows (empty output, null input, a scene that is only a marker, a null script).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet

PAIR = pa.schema([("input", pa.string()), ("output", pa.string())])

CARD_PROMPT = "Create a character card for a retired safecracker pulled into one last job."
CARD = "Name: Walter Finch\nAge: 63\nPersonality: patient, dry-witted, haunted by one failed job in 1989.\nSpeech: slow, precise, fond of old jazz references."

FILES = {
    "prompt_to_character_card": [
        {"input": CARD_PROMPT, "output": CARD},
        {"input": "Create a character card for a teenage hacker in 2040s Lagos.", "output": "Name: Adaeze \"Zee\" Okafor\nAge: 17\nPersonality: restless, loyal, allergic to authority."},
        {"input": "Create a character card for a lighthouse keeper who talks to ghosts.", "output": ""},
        {"input": "Create a character card for a café owner in Montmartre. ☕", "output": "Nom : Hélène Marchand\nÂge : 48\nPersonnalité : chaleureuse, têtue, romantique."},
    ],
    "rp_to_character_card": [
        {"input": "[scene] INT. DINER - NIGHT\nWALTER: One more job. Then I'm done.\nROSA: You said that in '89.\n\nCreate a character card for Walter.", "output": CARD},
        {"input": CARD_PROMPT, "output": "Name: Walt\nAge: 60s"},
        {"input": None, "output": "Name: Nobody"},
    ],
    "scene_summary": [
        {"input": "Summarize the scene:\n[scene]\nEXT. ROOFTOP - DAWN\nZee and Walter argue over the plan while the city wakes below.", "output": "At dawn on a rooftop, Zee and Walter clash over the heist plan."},
        {"input": "Summarize the scene:\n[scene] INT. VAULT - NIGHT\nThe lock clicks. Walter smiles for the first time in years.", "output": "Walter finally opens the vault and allows himself a smile."},
    ],
    "scene_enhancement": [
        {"input": "Enhance this scene: [scene] INT. DINER - NIGHT. Walter drinks coffee.", "output": "[scene] INT. DINER - NIGHT\nRain streaks the windows. WALTER nurses a cold coffee, watching the door."},
        {"input": "Enhance this scene: EXT. DOCKS - DAY. Zee waits.", "output": "EXT. DOCKS - DAY\nGulls wheel overhead. ZEE checks her phone for the third time in a minute."},
    ],
}

SCENES = [
    "[scene] INT. DINER - NIGHT\nWALTER: Coffee. Black.\nROSA: Like your heart.",
    "[scene]\nEXT. ROOFTOP - DAWN\nZEE: The cameras loop every ninety seconds.\nWALTER: Then we have eighty-nine.",
    "[scene]   ",
    "[scene] INT. DINER - NIGHT\nWALTER: Coffee. Black.\nROSA: Like your heart.",
    "[scene] INT. 茶室 - DAY\nHANA pours tea in silence.",
]

LONG_SCRIPT = "FADE IN:\n\n" + "\n\n".join(
    f"[scene] INT. SAFEHOUSE - NIGHT {i}\nWALTER checks the blueprints again. ZEE types. Nobody speaks." for i in range(1, 41)
) + "\n\nFADE OUT."

SCRIPTS = [
    "FADE IN:\n\n[scene] EXT. CITY - NIGHT\nNeon hums. A car idles.\n\nFADE OUT.",
    LONG_SCRIPT,
    None,
]


def write(root: Path) -> None:
    repo = root / "jondurbin" / "cinematika-v0.1"
    for name, rows in FILES.items():
        write_parquet(rows, repo / f"{name}.parquet", PAIR)
    write_parquet([{"scene_by_scene": s} for s in SCENES], repo / "scene_by_scene.parquet", pa.schema([("scene_by_scene", pa.string())]))
    write_parquet([{"plain_full_script": s} for s in SCRIPTS], repo / "plain_full_script.parquet", pa.schema([("plain_full_script", pa.string())]))
