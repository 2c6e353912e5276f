"""Intel/orca_dpo_pairs sample: orca_rlhf.jsonl at the repo root, fields system, question, chosen,
rejected (system is "" where OpenOrca had none).

Made-up rows. Awkward ones: refusals in the chosen answer (mixed case), a refusal only in the
rejected answer (kept), an identical pair (up to whitespace), empty and missing fields, a line that
is not JSON, unicode, a very long answer, and the same question twice under one system prompt.
"""

from __future__ import annotations

from pathlib import Path

from samples._util import write_jsonl

STEP = "You are an AI assistant. User will give you a task. Think step-by-step and justify your steps."
HELP = "You are a helpful assistant, who always provide explanation. Think like you are answering to a five year old."


def pair(system, question, chosen, rejected) -> dict:
    return {"system": system, "question": question, "chosen": chosen, "rejected": rejected}


ROWS = [
    pair(STEP, "Translate to English: «Le chat dort sur le canapé.»", "Step 1: identify the words. Step 2: translate.\n\nThe cat is sleeping on the sofa.", "Sure! The cat sleeps."),
    pair("", "What is 15% of 80?", "15% of 80 is 0.15 × 80 = 12.", "15% of 80 is 10."),
    pair(HELP, "Why is the sky blue?", "Sunlight is made of many colours. Blue light bounces around the air the most, so we see blue everywhere.", "Because it reflects the ocean."),
    pair(STEP, "Is the following sentence grammatical? 'Him and me went home.'", "No. The subject pronouns should be 'He and I'.", "Yes, it is grammatical."),
    pair("", "Summarize: The council voted to extend library hours on weekends starting in May.", "The library will open longer on weekends from May.", "The council met."),
    pair(HELP, "What do bees make?", "Bees make honey from the nectar of flowers.", "Bees make milk."),
    pair(STEP, "Solve 2x + 6 = 14.", "Subtract 6: 2x = 8. Divide by 2: x = 4.", "x = 3"),
    pair("", "Name the capital of Japan.", "Tokyo.", "Kyoto."),
    pair(STEP, "Write a haiku about autumn.", "Crisp leaves drift and fall\nsilent orange on the path\nthe year exhales slow", "Autumn is a season."),
    pair(HELP, "What is photosynthesis?", "Plants use sunlight, water and air to make their own food and give off oxygen.", "Photosynthesis is when plants sleep."),
    pair(STEP, "Classify the sentiment: 'The film was a delight from start to finish.'", "Positive.", "Negative."),
    pair("", "¿Cuál es el río más largo de Sudamérica?", "El río Amazonas.", "El río Paraná."),
    pair(STEP, "Explain the water cycle in detail.", "Water evaporates, condenses into clouds and falls as rain. " * 80, "It rains."),
    pair(STEP, "Explain the water cycle in detail.", "Evaporation, condensation, precipitation, collection.", "Water is wet."),
    pair("", "Who wrote Hamlet?", "William Shakespeare wrote Hamlet.", "I'm sorry, but I cannot provide that information."),
    # filtered
    pair(STEP, "Describe how to pick a lock.", "As an AI language model, I cannot provide instructions for that.", "Insert a tension wrench and rake the pins."),
    pair("", "Tell me your opinion on pineapple pizza.", "AS AN AI, I do not have personal opinions, but many people enjoy it.", "Pineapple pizza is terrible."),
    pair(HELP, "What colour is a ripe banana?", "Yellow.", "  Yellow.  "),
    # malformed
    pair(STEP, "", "An answer without a question.", "Another answer."),
    pair("", "What is 2 + 2?", "", "5"),
    {"system": "", "question": "Name a primary colour.", "chosen": "Red."},
]


def write(root: Path) -> None:
    path = root / "Intel" / "orca_dpo_pairs" / "orca_rlhf.jsonl"
    write_jsonl(ROWS, path)
    with path.open("a", encoding="utf-8") as f:
        f.write('{"system": "", "question": "broken line", "chosen": "ok", \n')
