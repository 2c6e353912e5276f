"""LDJnr/Capybara sample: CapybaraPure_Decontaminated.jsonl, one {"source", "conversation":
[{"input", "output"}]} object per line as on the hub.

Made-up chats of one to three exchanges from several seed sources, unicode, a very long input,
a row without `source` (kept, no category), a duplicate, and malformed ones (empty output, an
exchange without `output`, an empty conversation list, no conversation, an invalid JSON line).
"""

from __future__ import annotations

import json
from pathlib import Path

LONG_INPUT = "Here is my essay draft, please tighten it:\n\n" + " ".join(
    f"Sentence {i} says, at some length and with several unnecessary qualifiers, that cities should plant more trees." for i in range(1, 61)
)


def chat(source: str | None, *exchanges: tuple[str, str]) -> dict:
    row = {"source": source} if source is not None else {}
    row["conversation"] = [{"input": q, "output": a} for q, a in exchanges]
    return row


ROWS = [
    chat("General-Instruct", ("Give me a synonym for 'happy'.", "Joyful.")),
    chat("Know-Logic", ("What causes the seasons on Earth?", "The tilt of Earth's axis relative to its orbit around the Sun."), ("Then why is it hot at the equator all year?", "The equator gets nearly direct sunlight year-round, whatever the tilt.")),
    chat("GOAT", ("Calculate 4817 * 36.", "4817 * 36 = 173412")),
    chat("EverythingLM", ("Suggest a name for a bakery.", "Crumb & Co."), ("Something more playful?", "Knead to Know."), ("One in French?", "La Mie Joyeuse.")),
    chat("Dove", ("Explain recursion in one sentence.", "Recursion is when a function solves a problem by calling itself on smaller versions of it.")),
    chat("TheoremQA", ("Is 221 a prime number?", "No, 221 = 13 × 17.")),
    chat("Verified-Camel", ("Wie viele Beine hat eine Spinne?", "Eine Spinne hat acht Beine. 🕷️")),
    chat("LessWrong", (LONG_INPUT, "Cities should plant more trees.")),
    chat(None, ("Name a noble gas.", "Neon.")),
    chat("General-Instruct", ("Give me a synonym for 'happy'.", "Cheerful.")),
    chat("Airoboros", ("Write a two-line poem about tea.", "")),
    {"source": "SuperCOT", "conversation": [{"input": "Is the sky green? Think step by step."}]},
    {"source": "TaskSource", "conversation": []},
    {"source": "Know-Logic"},
    chat("Dove", ("What is the capital of Canada?", "Ottawa."), ("And its largest city?", "Toronto.")),
]


def write(root: Path) -> None:
    path = root / "LDJnr" / "Capybara" / "CapybaraPure_Decontaminated.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS]
    lines.insert(6, '{"source": "GOAT", "conversation": [{"input": "2+2", "output": 4')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
