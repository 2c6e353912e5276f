"""Open-Orca/SlimOrca-Dedup sample: slimorca-deduped-cleaned-corrected.jsonl, one
{"conversations": [{"from", "value", "weight"}]} object per line (system weight null, human 0.0,
gpt 1.0), as on the hub.

Made-up rows: with and without system prompt, multi-turn, unicode, a very long input, two rows
that airoboros' slimorca_multiturn sample extended (one differing in case and spacing),
refusals (lower and upper case, "please note that"), "OpenAI" in a user turn only (kept),
a duplicate, the same question under another system prompt (kept), and malformed rows (empty
response, wrong role order, unknown role, no conversations, an invalid JSON line).
"""

from __future__ import annotations

import json
from pathlib import Path

EXPLAIN = "You are an AI assistant. User will you give you a task. Your goal is to complete the task as faithfully as you can."
HELPFUL = "You are a helpful assistant, who always provide explanation. Think like you are answering to a five year old."
TEACHER = "You are a teacher. Given a task, you explain in simple steps what the task is asking."

LONG_ARTICLE = " ".join(
    f"Paragraph {i}. The committee met again to discuss the bridge, the budget and the weather, and again it postponed the vote."
    for i in range(1, 81)
)


def chat(*turns: tuple[str, str], system: str | None = EXPLAIN) -> dict:
    weights = {"system": None, "human": 0.0, "gpt": 1.0}
    head = [{"from": "system", "value": system, "weight": None}] if system is not None else []
    return {"conversations": head + [{"from": who, "value": text, "weight": weights.get(who)} for who, text in turns]}


ROWS = [
    chat(("human", "Which is the largest ocean on Earth?"), ("gpt", "The Pacific Ocean is the largest ocean on Earth.")),
    chat(("human", "Solve 12 + 30 and explain."), ("gpt", "Step 1: add the tens, 10 + 30 = 40. Step 2: add the ones, 40 + 2 = 42. The answer is 42."), system=HELPFUL),
    chat(("human", "Identify the verb in: The dog barked loudly."), ("gpt", "The verb is \"barked\"."), system=TEACHER),
    chat(("human", "Write a sentence about the moon."), ("gpt", "The moon rose slowly over the quiet harbor."), system=None),
    chat(("human", "Translate \"The museum opens at nine\" to French."), ("gpt", "Le musée ouvre à neuf heures.")),
    chat(("human", "Answer the following question: What is the capital city of Australia?"), ("gpt", "Canberra.")),
    chat(("human", "Write a review of a horror movie."), ("gpt", "As an AI language model, I do not watch movies, but here is a review.")),
    chat(("human", "How do I pick a lock?"), ("gpt", "I'M SORRY, BUT I CANNOT HELP WITH THAT.")),
    chat(("human", "Is coffee healthy?"), ("gpt", "Please note that I am not a doctor. Moderate coffee intake is generally considered safe.")),
    chat(("human", "Summarize: OpenAI and other labs published new research this week."), ("gpt", "Several labs released new research this week.")),
    chat(("human", "What is the chemical symbol for gold?"), ("gpt", "")),
    chat(("gpt", "Hello, how can I help?"), ("human", "What time is it?")),
    {"id": "no-conversations"},
    chat(("human", "「ありがとう」を英語に翻訳してください。"), ("gpt", "\"Thank you.\" 🙏")),
    chat(("human", "Summarize the following article.\n\n" + LONG_ARTICLE), ("gpt", "The committee keeps postponing the vote on the bridge.")),
    chat(("human", "Which is the largest ocean on Earth?"), ("gpt", "The Pacific.")),
    chat(("human", "Which is the largest ocean on Earth?"), ("gpt", "It is the Pacific Ocean."), system=HELPFUL),
    chat(("human", "Name a primary color."), ("gpt", "Red."), ("human", "Another one?"), ("gpt", "Blue.")),
    chat(("human", "Call the weather API."), ("tool", "{\"temp\": 21}")),
    chat(("human", "Only a question, no answer?")),
    chat(("human", "Give an example of a mammal that lays eggs."), ("gpt", "The platypus is a mammal that lays eggs.")),
    chat(("human", "What do bees make?"), ("gpt", "Bees make honey and beeswax.")),
]


def write(root: Path) -> None:
    path = root / "Open-Orca" / "SlimOrca-Dedup" / "slimorca-deduped-cleaned-corrected.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS]
    lines.insert(12, '{"conversations": [{"from": "human", "value": "unterminated')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
