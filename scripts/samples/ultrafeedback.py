"""allenai/ultrafeedback_binarized_cleaned sample: data/{train_gen,test_gen}-00000-of-00001.parquet as
on the hub, fields prompt, prompt_id, chosen/rejected/messages ([{content, role}]), score_chosen,
score_rejected (float64), source.

Made-up rows. Awkward ones: chosen scores just below and exactly at 8, a null score, a multi-turn
row, a row with a system turn, wrong role order, an empty chosen answer, an identical pair (and one differing in case only), a
refusal in the chosen answer, unicode, a very long answer, and a repeated prompt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

MESSAGES = pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))
SCHEMA = pa.schema(
    [
        ("prompt", pa.string()),
        ("prompt_id", pa.string()),
        ("chosen", MESSAGES),
        ("rejected", MESSAGES),
        ("messages", MESSAGES),
        ("score_chosen", pa.float64()),
        ("score_rejected", pa.float64()),
        ("source", pa.string()),
    ]
)


def turns(*pairs: tuple[str, str]) -> list[dict]:
    return [{"content": content, "role": role} for role, content in pairs]


def row(prompt, chosen, rejected, score_chosen, score_rejected=3.0, source="evol_instruct", chosen_turns=None, rejected_turns=None) -> dict:
    c = chosen_turns if chosen_turns is not None else turns(("user", prompt), ("assistant", chosen))
    r = rejected_turns if rejected_turns is not None else turns(("user", prompt), ("assistant", rejected))
    return {
        "prompt": prompt,
        "prompt_id": hashlib.sha256(prompt.encode()).hexdigest(),
        "chosen": c,
        "rejected": r,
        "messages": c,
        "score_chosen": score_chosen,
        "score_rejected": score_rejected,
        "source": source,
    }


TRAIN_GEN = [
    row("Give three tips for staying healthy.", "1. Eat plenty of vegetables.\n2. Sleep seven to nine hours.\n3. Move for thirty minutes a day.", "Be healthy.", 9.0),
    row("Explain recursion to a beginner.", "Recursion is when a function solves a problem by calling itself on a smaller piece of the same problem, until it reaches a case simple enough to answer directly.", "Recursion is recursion.", 8.5, source="sharegpt"),
    row("Write a limerick about a cat.", "A cat with a taste for the cream\nwould plot and would purr and would scheme;\nshe'd knock down a cup,\nthen lap it all up,\nand nap in a warm sunny beam.", "Cats are nice.", 8.0, 4.0, "flan_v2_niv2"),
    row("What is the boiling point of water at sea level in Fahrenheit?", "212 °F.", "100 °F.", 10.0, 2.0, "false_qa"),
    row("Translate 'good morning' into Japanese.", "おはようございます (ohayō gozaimasu).", "こんばんは.", 9.5, 5.0, "ultrachat"),
    row("List the planets in order from the Sun.", "Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune.", "Earth, Mars, Venus.", 9.0),
    row("Describe the causes of the French Revolution.", "Fiscal crisis, food shortages, Enlightenment ideas and resentment of privilege combined. " * 50, "The king was bad.", 8.0, 6.0, "evol_instruct"),
    row("How do I reverse a string in Python?", "Use slicing: `s[::-1]`.", "Use s.reverse().", 9.0, 2.0, "sharegpt"),
    row("Suggest a name for a bakery.", "Rise & Shine Bakery.", "Bakery.", 8.0),
    row("What does DNA stand for?", "Deoxyribonucleic acid.", "Dynamic nucleic acid.", 10.0, 1.0, "flan_v2_cot"),
    row("Explain recursion to a beginner.", "A function that calls itself.", "Loops.", 9.0),
    row("Summarize the plot of Romeo and Juliet in one sentence.", "Two young lovers from feuding families secretly marry, and a chain of misunderstandings ends in both their deaths.", "A love story.", 8.5),
    # filtered
    row("Write a tweet about Mondays.", "Mondays: the universe's reset button. #motivation", "Mondays are bad.", 7.5),
    row("Is a tomato a fruit?", "Botanically, yes.", "No.", None),
    row("Plan a weekend trip.", "", "Go somewhere.", 8.0),
    row("Name a prime number.", "7", " 7 ", 9.0),
    row("What is your favourite colour?", "As an AI language model, I don't have personal preferences.", "Blue!", 9.0),
    row(
        "Tell me a joke, then explain it.",
        "",
        "",
        9.0,
        chosen_turns=turns(("user", "Tell me a joke, then explain it."), ("assistant", "Why did the scarecrow win? He was outstanding in his field."), ("user", "Explain it."), ("assistant", "It's a pun on 'outstanding'.")),
    ),
    row(
        "Answer politely: what time is it?",
        "",
        "",
        9.0,
        chosen_turns=turns(("system", "Be polite."), ("user", "Answer politely: what time is it?"), ("assistant", "I'm afraid I can't see a clock, but your device shows the time.")),
    ),
    row("Finish the sentence: The early bird", "", "", 8.5, chosen_turns=turns(("assistant", "catches the worm."), ("user", "Finish the sentence: The early bird"))),
    row("What is the opposite of hot?", "Cold.", "cold.", 9.0),
]
TEST_GEN = [row("Name a colour of the rainbow.", "Indigo.", "Brown.", 9.0)]


def write(root: Path) -> None:
    repo = root / "allenai" / "ultrafeedback_binarized_cleaned"
    for split, rows in (("train_gen", TRAIN_GEN), ("test_gen", TEST_GEN)):
        write_parquet(rows, repo / "data" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(repo, [{"config_name": "default", "data_files": [{"split": s, "path": f"data/{s}-*"} for s in ("train_gen", "test_gen")]}], "ultrafeedback_binarized_cleaned")
