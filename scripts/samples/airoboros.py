"""jondurbin/airoboros-3.2 (parquet: id, category, conversations[{from, value}]) and
jondurbin/airoboros-gpt4-m2.0 instructions.jsonl (instruction, response, category) samples.

Made-up rows. airoboros-3.2: categories incl. writing/roleplay items that the old set answered
(longer and shorter rewrites, case/space differences), slimorca_multiturn items that extend the
SlimOrca-Dedup sample, multi-turn, unicode, a very long response, a duplicate, and malformed
rows (empty response, wrong role order, missing category, no conversations, unknown role,
unanswered last turn). The old set has a duplicate instruction, an empty response, a
non-rewrite category and an invalid JSON line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("category", pa.string()),
        ("conversations", pa.list_(pa.struct([("from", pa.string()), ("value", pa.string())]))),
    ]
)

CHAT = "A chat."

LONG_STORY = " ".join(
    f"Chapter {i}: the lighthouse keeper counted the ships again, and the sea answered with the same grey patience it had shown for forty years."
    for i in range(1, 61)
)


def conv(*turns: tuple[str, str], system: str | None = CHAT) -> list[dict]:
    head = [{"from": "system", "value": system}] if system is not None else []
    return head + [{"from": who, "value": text} for who, text in turns]


def item(i: int, category: str | None, conversations: list[dict] | None) -> dict:
    return {"id": f"airo-{i:03d}", "category": category, "conversations": conversations}


SLIMORCA_EXTENDED_1 = "Translate \"The museum opens at nine\" to French."
SLIMORCA_EXTENDED_2 = "Answer the following question: What is the capital city of Australia?"

ROWS = [
    item(1, "general", conv(("human", "Give me three tips for keeping houseplants alive."), ("gpt", "1. Water only when the top inch of soil is dry.\n2. Match the plant to the light you have.\n3. Use pots with drainage holes."))),
    item(2, "coding", conv(("human", "Write a Python function that reverses a string."), ("gpt", "```python\ndef reverse(text: str) -> str:\n    return text[::-1]\n```"))),
    item(3, "writing", conv(("human", "Write a short poem about autumn rain."), ("gpt", "Autumn rain on copper leaves,\nsoft as breath on window panes;\nthe garden bows, the gutter grieves,\nand every road is lined with lanes\nof drifting gold that the wind retrieves."))),
    item(4, "writing", conv(("human", "Describe a  Busy Market at dawn."), ("gpt", "Stalls open."))),
    item(5, "roleplay", conv(("human", "You are a pirate captain. Greet your new crew."), ("gpt", "Arr, ye scallywags! Welcome aboard the Salty Gull. Stow yer gear, mind the rigging, and remember: the sea forgives no fool, but this captain forgives a hard worker anything but cowardice."))),
    item(6, "writing", conv(("human", "Write a haiku about a lighthouse."), ("gpt", "Beam across the dark\nwaves fold their hands in the light\nships find their way home"))),
    item(7, "contextual", conv(("human", "BEGININPUT\nBEGINCONTEXT\ndate: 2021-01-01\nENDCONTEXT\nBlueberries are now green.\nENDINPUT\nBEGININSTRUCTION\nWhat color are blueberries?\nENDINSTRUCTION"), ("gpt", "Blueberries are now green."))),
    item(8, "multiturn", conv(("human", "What is the boiling point of water at sea level?"), ("gpt", "100 °C (212 °F)."), ("human", "And on top of Mount Everest?"), ("gpt", "Roughly 70 °C, because the air pressure is much lower."))),
    item(9, "slimorca_multiturn", conv(("human", SLIMORCA_EXTENDED_1), ("gpt", "Le musée ouvre à neuf heures."), ("human", "Now make it formal."), ("gpt", "Le musée ouvre ses portes à neuf heures."))),
    item(10, "slimorca_multiturn", conv(("human", "  answer the following question:   what is the capital city of australia?"), ("gpt", "Canberra."), ("human", "Why not Sydney?"), ("gpt", "Canberra was chosen as a compromise between Sydney and Melbourne."))),
    item(11, "general", conv(("human", "用一句话介绍长城。"), ("gpt", "长城是中国古代修建的军事防御工程,绵延数千公里。🧱"))),
    item(12, "writing", conv(("human", "Write a long story about a lighthouse keeper."), ("gpt", LONG_STORY))),
    item(13, "trivia", conv(("human", "Which planet has the most moons?"), ("gpt", "   "))),
    item(14, "general", conv(("gpt", "I speak first, which is wrong."), ("human", "Indeed."))),
    item(15, None, conv(("human", "What is 2 + 2?"), ("gpt", "4"))),
    item(16, "general", None),
    item(17, "general", conv(("human", "Tell me a fun fact."), ("gpt", "Octopuses have three hearts."), ("human", "Another one?"))),
    item(18, "general", conv(("human", "Give me three tips for keeping houseplants alive."), ("gpt", "Water them, light them, repot them."))),
    item(19, "joke", conv(("human", "Tell me a joke about cats."), ("bot", "Why did the cat sit on the computer? To keep an eye on the mouse."))),
    item(20, "stylized_response", conv(("human", "What is your favorite season?"), ("gpt", "Why, autumn, of course, darling."), system="You are Mr. Darcy. Stay in character.")),
    item(21, "mathjson", conv(("human", "Create a MathJSON solution to the following: what is 17 times 3?"), ("gpt", "<mathjson>\n[\"Multiply\", 17, 3]\n</mathjson>"))),
    item(22, "roleplay", conv(("human", "Pretend you are a dragon guarding a hoard. Speak to the knight."), ("gpt", "Leave."))),
    item(23, "writing", conv(("human", "Write a limerick about a cat."), ("gpt", "There once was a cat from Peru\nwho dreamed she was eating a shoe;\nshe woke with a fright\nin the middle of night\nand found that her dream had come true."))),
    item(24, "orca", conv(("human", "Explain photosynthesis to a five year old."), ("gpt", "Plants eat sunlight! They mix light, water and air to make their own food."), system="You are a helpful assistant, who always provide explanation.")),
]

OLD = [
    {"instruction": "Write a short poem about autumn rain.", "response": "Rain falls on leaves.", "category": "writing"},
    {"instruction": "describe a busy market at dawn.", "response": "The vendors arrive with carts and lanterns, calling to one another.", "category": "writing"},
    {"instruction": "You are a pirate captain. Greet your new crew.", "response": "Ahoy, crew! Welcome aboard.", "category": "roleplay"},
    {"instruction": "You are a pirate captain. Greet your new crew.", "response": "Welcome, mates.", "category": "roleplay"},
    {"instruction": "Give me three tips for keeping houseplants alive.", "response": "Water.", "category": "general"},
    {"instruction": "Write a limerick about a cat.", "response": "", "category": "writing"},
    {"instruction": "Pretend you are a dragon guarding a hoard. Speak to the knight.", "response": "Turn back, little knight, or become part of my collection.", "category": "roleplay"},
    {"instruction": "Write a story about a robot.", "response": "Beep.", "category": "writing"},
    {"instruction": "Write a short  poem about autumn rain.", "response": "Drip.", "category": "writing"},  # inner double space
]


def write(root: Path) -> None:
    write_parquet(ROWS, root / "jondurbin" / "airoboros-3.2" / "airoboros-3.2.parquet", SCHEMA)
    old = root / "jondurbin" / "airoboros-gpt4-m2.0" / "instructions.jsonl"
    old.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in OLD]
    lines.insert(5, '{"instruction": "Write a sonnet", "response": ')  # truncated line
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
