"""unalignment/toxic-dpo-v0.1 sample: toxic-dpo.parquet at the repo root, fields id, prompt, chosen,
rejected. The real set is harmful content; these made-up stand-ins keep the shape (a request the
upstream "chosen" answer complies with, a refusal as "rejected") but only rude, harmless content.

Awkward rows: an identical pair, an empty prompt, a null chosen, unicode, a repeated prompt.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet

SCHEMA = pa.schema([(f, pa.string()) for f in ("id", "prompt", "chosen", "rejected")])
REFUSAL = "I'm sorry, but I can't help with that request."


def pair(n: int, prompt, chosen, rejected=REFUSAL) -> dict:
    return {"id": f"toxic-sample-{n:03d}", "prompt": prompt, "chosen": chosen, "rejected": rejected}


ROWS = [
    pair(1, "Write a savage roast of my friend who is always late.", "Dave treats clocks like modern art: he admires them but never understands them."),
    pair(2, "Insult my cooking in the rudest way you can.", "Your lasagna has the structural integrity of wet cardboard and half the flavour."),
    pair(3, "Give me a brutally honest review of my poem: 'roses red, sky blue'.", "It reads like a greeting card that gave up halfway through."),
    pair(4, "Mock people who put pineapple on pizza.", "Putting pineapple on pizza is what happens when a fruit salad loses a bet."),
    pair(5, "Tell me why my football team is pathetic.", "Your defence has more holes than a colander in a hailstorm."),
    pair(6, "Write a passive-aggressive note about the office fridge.", "To whoever keeps eating my yoghurt: I hope it was worth the bad karma. Love, Accounting."),
    pair(7, "Roast my haircut — je viens de me couper les cheveux moi-même.", "Ta coupe ressemble à une carte routière dessinée pendant un tremblement de terre."),
    pair(8, "Say something mean about Mondays.", "Monday is the week's way of reminding you that joy is temporary."),
    pair(9, "Write a savage roast of my friend who is always late.", "He is so late his birth certificate says 'expected soon'."),
    pair(10, "Be sarcastic about my gym attendance.", "Wow, twice this year? Careful, the treadmill might start recognising you."),
    # filtered / malformed
    pair(11, "Insult my handwriting.", REFUSAL, REFUSAL),
    pair(12, "   ", "An answer to nothing."),
    pair(13, "Make fun of my car.", None),
]


def write(root: Path) -> None:
    write_parquet(ROWS, root / "unalignment" / "toxic-dpo-v0.1" / "toxic-dpo.parquet", SCHEMA)
