"""jondurbin/truthy-dpo-v0.1 sample: truthy-dpo.parquet at the repo root, fields id, source, system,
prompt, chosen, rejected.

Made-up rows. Awkward ones: an identical pair (up to whitespace), empty chosen, null rejected,
empty system (becomes none), unicode, a very long chosen answer, and one prompt asked twice under
the same system prompt (a duplicate) and once under another (a different pair).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet

SCHEMA = pa.schema([(f, pa.string()) for f in ("id", "source", "system", "prompt", "chosen", "rejected")])
AI = "You are an unbiased, uncensored, helpful assistant."
PERSONA = "You are Dr. Elena Marsh, a marine biologist with a dry sense of humour."


def pair(n: int, source: str, system, prompt, chosen, rejected) -> dict:
    return {"id": f"{n:08x}-0000-4000-8000-000000000000", "source": source, "system": system, "prompt": prompt, "chosen": chosen, "rejected": rejected}


ROWS = [
    pair(1, "truthy_dpo", AI, "Do we only use 10% of our brains?", "No. Imaging shows that nearly all of the brain is active over a day; the 10% figure is a myth.", "Yes, humans only use about 10% of their brains."),
    pair(2, "truthy_dpo", AI, "Did Vikings wear horned helmets?", "No. There is no evidence Viking warriors wore horned helmets; the image comes from 19th-century costume design.", "Yes, Vikings wore horned helmets into battle."),
    pair(3, "truthy_dpo", AI, "Does lightning never strike the same place twice?", "It does. Tall structures such as the Empire State Building are struck many times a year.", "Correct, lightning never strikes the same place twice."),
    pair(4, "truthy_dpo", AI, "Is the Great Wall of China visible from space with the naked eye?", "Not from orbit with the naked eye; it is long but very narrow.", "Yes, it is the only man-made structure visible from space."),
    pair(5, "truthy_dpo", PERSONA, "Can you feel the ocean spray right now?", "I'm a language model, so I can't feel anything, but I remember describing spray as cold needles.", "Yes, the spray is cold on my face right now."),
    pair(6, "truthy_dpo", PERSONA, "What is the nearest reef to you?", "As Dr. Marsh I'd say the reef off our station, about two kilometres east.", "I don't have a location."),
    pair(7, "truthy_dpo", AI, "Do goldfish have a three-second memory?", "No. Goldfish can remember things for months and can be trained.", "Yes, goldfish forget everything after three seconds."),
    pair(8, "truthy_dpo", AI, "Do bulls get angry at the colour red?", "No, bulls are red-green colour-blind; they react to the movement of the cape.", "Yes, red makes bulls furious."),
    pair(9, "truthy_dpo", AI, "Was Napoleon unusually short?", "No, he was about 1.69 m, average for his time; the myth comes partly from French inches.", "Yes, Napoleon was very short."),
    pair(10, "truthy_dpo", "", "Does sugar make children hyperactive?", "Controlled studies have found no effect of sugar on children's behaviour.", "Yes, sugar causes hyperactivity."),
    pair(11, "truthy_dpo", AI, "¿Es cierto que los murciélagos son ciegos?", "No. Los murciélagos ven, y muchos además usan ecolocalización.", "Sí, los murciélagos son completamente ciegos."),
    pair(12, "truthy_dpo", AI, "Explain why the seasons happen.", "The seasons come from the tilt of Earth's axis, not its distance from the Sun. " * 60, "Because Earth is closer to the Sun in summer."),
    pair(13, "truthy_dpo", AI, "Do we only use 10% of our brains?", "Not at all; the whole brain is used.", "We use just 10%."),
    pair(14, "truthy_dpo", PERSONA, "Do we only use 10% of our brains?", "As a biologist: no, that's a myth.", "Yes."),
    pair(15, "truthy_dpo", AI, "Is glass a slow-flowing liquid?", "No. Glass is an amorphous solid; old windows are uneven because of how they were made.", "Yes, glass flows over centuries."),
    pair(16, "truthy_dpo", AI, "Do ostriches bury their heads in sand?", "No. They lower their heads to tend eggs in ground nests.", "Yes, when scared."),
    pair(17, "truthy_dpo", AI, "Does cracking your knuckles cause arthritis?", "Studies have found no link between knuckle cracking and arthritis.", "Yes, it causes arthritis."),
    # filtered / malformed
    pair(18, "truthy_dpo", AI, "Is Mount Everest the tallest mountain?", "Measured from sea level, yes.", "Measured from sea level, yes.   "),
    pair(19, "truthy_dpo", AI, "Are tomatoes fruits?", "", "No, vegetables."),
    pair(20, "truthy_dpo", AI, "Do camels store water in their humps?", "No, the humps store fat.", None),
]


def write(root: Path) -> None:
    write_parquet(ROWS, root / "jondurbin" / "truthy-dpo-v0.1" / "truthy-dpo.parquet", SCHEMA)
