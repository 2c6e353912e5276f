"""migtissera/Synthia-v1.3 sample: Synthia-v1.3.jsonl, one {"system", "instruction", "response"}
object per line as on the hub.

Made-up rows: the Tree-of-Thoughts system prompt and empty ones, instructions carrying earlier
turns inline ("USER: … ASSISTANT: …", also with leading text), unicode, a long instruction, a
duplicate; filtered ones (quoted role names in the instruction, USER in the system prompt,
refusals in the response and in an inline assistant turn); malformed ones (empty response,
missing instruction, two inline user turns in a row, an invalid JSON line).
"""

from __future__ import annotations

import json
from pathlib import Path

TOT = (
    "Elaborate on the topic using a Tree of Thoughts and backtrack when necessary to construct a clear, "
    "cohesive Chain of Thought reasoning. Always answer without hesitation."
)
PLAIN = "You are an AI assistant that helps people find information."

LONG_INSTRUCTION = "Review this list of measurements and report the trend:\n" + "\n".join(f"day {i}: {20 + (i % 7)} degrees" for i in range(1, 151))


def row(instruction: str | None, response: str | None, system: str = TOT) -> dict:
    out = {"system": system}
    if instruction is not None:
        out["instruction"] = instruction
    out["response"] = response
    return out


ROWS = [
    row("Why do leaves change color in autumn?", "As days shorten, trees stop making chlorophyll; the green fades and yellow and orange pigments show through."),
    row("What is the derivative of x^3?", "The derivative of x^3 is 3x^2.", system=""),
    row("USER: Recommend a book about space.\nASSISTANT: Try \"Cosmos\" by Carl Sagan.\nUSER: Something more recent?", "\"Astrophysics for People in a Hurry\" by Neil deGrasse Tyson (2017)."),
    row("I need help planning a trip.\nASSISTANT: Sure! Where would you like to go?\nUSER: Portugal, for one week.", "Spend three days in Lisbon, two in Porto and two on the Algarve coast."),
    row("Explain the Pythagorean theorem.", "In a right triangle, the square of the hypotenuse equals the sum of the squares of the other two sides: a² + b² = c²."),
    row("Traduce al español: Good morning, friends.", "Buenos días, amigos. ☀️", system=PLAIN),
    row(LONG_INSTRUCTION, "Temperatures cycle weekly between 20 and 26 degrees with no overall trend."),
    row("Write a dialogue where each line starts with \"USER:\" or \"ASSISTANT:\".", "USER: Hi!\nASSISTANT: Hello!"),
    row("Say hi.", "Hi!", system="Always reply as if the USER is your captain."),
    row("Describe the taste of chocolate.", "As an AI, I don't have personal experiences, but chocolate is usually described as sweet and rich."),
    row("USER: Tell me about black holes.\nASSISTANT: As an AI language model, I find them fascinating.\nUSER: How do they form?", "Most form when a massive star collapses under its own gravity."),
    row("What is the boiling point of ethanol?", ""),
    row(None, "An answer without a question."),
    row("USER: First question?\nUSER: Second question?", "One answer for both."),
    row("Why do leaves change color in autumn?", "Because of pigments."),
    row("Name the largest planet in our solar system.", "Jupiter is the largest planet in our solar system."),
    row("What does DNA stand for?", "Deoxyribonucleic acid."),
    row("Explain what a large language model is.", "A neural network trained on lots of text to predict the next word."),
]


def write(root: Path) -> None:
    path = root / "migtissera" / "Synthia-v1.3" / "Synthia-v1.3.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS]
    lines.insert(13, '{"system": "", "instruction": "Broken line')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
