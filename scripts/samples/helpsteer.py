"""nvidia/HelpSteer sample: train.jsonl.gz at the repo root (gzip, mtime 0 for stable bytes), fields
prompt, response, helpfulness, correctness, coherence, complexity, verbosity (ints 0-4).

Made-up prompts with 1-4 responses each, built to hit every pairing rule: a clean three-way prompt,
a best response that is not fully correct, a lone response, a score tie with nothing lower, a
refusal as the best response, identical best and worst texts, a tie for best broken by coin,
malformed rows (empty response, non-integer score, missing prompt), unicode and a long response.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path


def rated(prompt, response, scores: str) -> dict:
    """`scores` is five digits: helpfulness, correctness, coherence, complexity, verbosity."""
    names = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
    return {"prompt": prompt, "response": response, **{n: int(d) for n, d in zip(names, scores)}}


P1 = "Write a short product description for a reusable water bottle."
P2 = "What year did the first moon landing happen?"
P3 = "Give me a synonym for 'happy'."
P4 = "Summarize the benefits of regular exercise."
P5 = "Describe the taste of coffee to someone who has never tried it."
P6 = "List two primary colours."
P7 = "Explain what a haiku is."
P8 = "Translate 'thank you' into German."
P9 = "¿Cuáles son los beneficios de aprender un segundo idioma?"
P10 = "Write a paragraph about the history of tea."
P11 = "Name a famous painting."
P12 = "What is 2 + 2?"

ROWS = [
    rated(P1, "Stay hydrated in style: this leak-proof steel bottle keeps drinks cold for 24 hours.", "44422"),
    rated(P1, "A bottle for water. It is reusable.", "23311"),
    rated(P1, "This bottle is good and you can use it again and again for water and other drinks too.", "33321"),
    rated(P2, "The first moon landing was in 1968.", "33422"),
    rated(P2, "It happened in the 1970s.", "12311"),
    rated(P3, "Joyful.", "44411"),
    rated(P4, "Exercise improves heart health, mood and sleep.", "34421"),
    rated(P4, "Exercise strengthens muscles, lowers blood pressure and lifts mood.", "34421"),
    rated(P5, "As an AI language model, I cannot taste, but coffee is often described as bitter and roasted.", "44422"),
    rated(P5, "Coffee tastes like water.", "11211"),
    rated(P6, "Red and blue.", "44410"),
    rated(P6, "Red and blue.", "33410"),
    rated(P7, "A haiku is a three-line Japanese poem with five, seven and five syllables.", "44421"),
    rated(P7, "A haiku is a short Japanese poem of seventeen syllables in three lines.", "44421"),
    rated(P7, "A poem.", "22411"),
    rated(P7, "A haiku is a type of song.", "11311"),
    rated(P8, "Danke.", "44410"),
    rated(P8, "", "44410"),
    {**rated(P8, "Bitte.", "11410"), "correctness": "one"},
    rated(P8, "Gracias.", "10410"),
    rated(None, "An orphan response.", "22222"),
    rated(P9, "Aprender otro idioma mejora la memoria, abre oportunidades laborales y acerca culturas — ¡y hace los viajes más fáciles!", "44432"),
    rated(P9, "Es bueno.", "23311"),
    rated(P10, "Tea was first drunk in China thousands of years ago. " * 40, "44444"),
    rated("  " + P10 + "  ", "Tea is a drink.", "23311"),
    rated(P11, "The Mona Lisa.", "34411"),
    rated(P11, "A painting.", "12211"),
    rated(P11, "Leonardo da Vinci's Mona Lisa, painted in the early 1500s.", "44433"),
    rated(P11, "Starry Night is a song.", "10100"),
    rated(P12, "4.", "44410"),
    rated(P12, "I'm sorry, but I can't help with that.", "00200"),
    rated(P12, "Five.", "13400"),
]


def write(root: Path) -> None:
    path = root / "nvidia" / "HelpSteer" / "train.jsonl.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS)
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
