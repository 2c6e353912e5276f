"""Quality harness for decontamination: recall per variant kind and precision, on real benchmark files.

Positives are made from real benchmark items in ../shared/realdata (read through a hub-layout
mirror, exactly as the pipeline reads them): exact copies; reformatted copies (case, whitespace,
punctuation, option-label style); copies wrapped in a longer instruction; multiple choice with the
options shuffled; light rewordings (a mechanical synonym/phrase rewriter, plus hand-written
paraphrases). Negatives are real non-benchmark texts on the same topics (MMLU dev, WinoGrande
train_s/test, OpenBookQA, BoolQ, PIQA, Belebele, Spider, Orca DPO, Natural Instructions, EmoBank)
and GSM8K-style word problems written here. Every choice is a coin (seeded blake2b), so reruns
give the same cases.

`decontamination_hand.jsonl` (next to this file) is the hand-written quality set: heavy
paraphrases of real items (other words and order, same task and answer: kind `hand_heavy`) and
hard negatives (same topic or template, another task: set `hand_negative`), each naming its item
by benchmark and item id; only the written text is stored, never the item. Its `split` is `tune`
or `heldout`; thresholds are tuned on `tune` only (`--split tune`), the held-out figures are
printed beside them.

    .venv/bin/python benchmarks/decontamination_eval.py            # shipped recipe thresholds
    .venv/bin/python benchmarks/decontamination_eval.py --sweep    # score distributions for tuning
    .venv/bin/python benchmarks/decontamination_eval.py --scale 1000000   # timing on N synthetic rows
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bagel_data import ids  # noqa: E402
from bagel_data.decontam.benchmarks import read_benchmark  # noqa: E402
from bagel_data.decontam.config import DecontamConfig  # noqa: E402
from bagel_data.decontam.detect import Detector  # noqa: E402
from bagel_data.decontam.embed import Embedder, text_keys  # noqa: E402
from bagel_data.decontam.normalize import normalized, words  # noqa: E402
from bagel_data.decontam.shingles import ShingleIndex, TokenBatch  # noqa: E402
from bagel_data.recipe import load_recipe  # noqa: E402
from bagel_data.settings import Settings  # noqa: E402
from bagel_data.storage import Layout  # noqa: E402
from bagel_data_tests.decontam.real_benchmarks import layout_real_benchmarks, mmlu_rows, winogrande_rows  # noqa: E402
from bagel_data_tests.helpers import REALDATA  # noqa: E402

SEED = 7
MC = ("arc_challenge", "mmlu")
HAND_SET = Path(__file__).with_name("decontamination_hand.jsonl")

# ---- variant makers ------------------------------------------------------------------------

WRAPPERS = [
    "Answer the following question.\n\n{x}",
    "{x}\n\nLet's think step by step.",
    "You are an expert tutor. A student asks:\n\"{x}\"\nExplain your reasoning and then give the final answer.",
    "Question: {x}\nAnswer:",
    "Here is a problem from my homework, can you help me solve it? {x} Thanks a lot, I have been stuck on it for an hour!",
    "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{x}\n\n### Response:",
    "Q: What is the boiling point of water at sea level in Celsius?\nA: 100 degrees.\n\nQ: {x}\nA:",
    "I am preparing for an exam next week and my teacher gave us a list of practice problems. Most of them were easy, but I could not figure out this one:\n\n{x}\n\nPlease answer it and explain the idea behind it in a few sentences.",
]

# light rewording: word and phrase substitutions a person might make without changing the meaning
PHRASES = {
    "which of the following": "which one of these", "what is": "what's", "how many": "what number of", "in order to": "to",
    "most likely": "most probably", "as well as": "and also", "a lot of": "many", "is able to": "can", "does not": "doesn't",
    "do not": "don't", "is not": "isn't", "are not": "aren't", "there are": "there're", "it is": "it's", "each day": "every day",
    "per week": "a week", "how much": "what amount", "the following": "the next", "best describes": "most accurately describes",
}
WORDS = {
    "find": "determine", "calculate": "compute", "explain": "describe", "describe": "explain", "write": "compose", "give": "provide",
    "buy": "purchase", "buys": "purchases", "bought": "purchased", "each": "every", "total": "overall", "people": "individuals",
    "large": "big", "big": "large", "small": "little", "little": "small", "start": "begin", "starts": "begins", "begin": "start",
    "because": "since", "however": "but", "also": "additionally", "help": "assist", "show": "demonstrate", "shows": "demonstrates",
    "use": "utilize", "uses": "utilizes", "used": "utilized", "make": "create", "makes": "creates", "made": "created",
    "get": "obtain", "gets": "obtains", "got": "obtained", "need": "require", "needs": "requires", "want": "wish", "wants": "wishes",
    "quickly": "rapidly", "fast": "quick", "often": "frequently", "usually": "typically", "about": "regarding", "answer": "respond to",
    "example": "instance", "important": "significant", "main": "primary", "different": "distinct", "many": "numerous",
    "several": "a few", "student": "pupil", "students": "pupils", "scientist": "researcher", "scientists": "researchers",
    "shop": "store", "store": "shop", "car": "automobile", "cars": "automobiles", "kids": "children", "children": "kids",
    "mom": "mother", "dad": "father", "home": "house", "house": "home", "job": "work", "money": "cash", "month": "month's time",
    "likely": "probably", "best": "most suitable", "choose": "select", "chose": "selected", "correct": "right", "true": "accurate",
    "false": "untrue", "happens": "occurs", "happen": "occur", "cause": "lead to", "causes": "leads to", "increase": "rise",
    "decrease": "drop", "tell": "inform", "create": "make", "list": "enumerate", "provide": "give", "suggest": "recommend",
    "story": "tale", "short": "brief", "improve": "enhance", "method": "approach", "problem": "issue", "question": "query",
    "friend": "pal", "friends": "pals", "sold": "sold off", "spent": "used up", "earns": "makes", "earned": "made", "costs": "is priced at",
    "cost": "price", "remaining": "left over", "half": "one half", "twice": "two times", "amount": "quantity", "number": "count",
    "plants": "vegetation", "energy": "power", "observe": "watch", "observed": "watched", "measure": "gauge", "measured": "gauged",
    "wanted": "wished", "would": "will", "could": "might", "should": "ought to", "rather": "quite", "very": "really", "area": "region",
}


def coin(key: str, salt: str) -> float:
    return float(ids.coins([key], SEED, salt)[0])


def reword(text: str, key: str) -> str:
    """Light rewording: coin-chosen phrase and word substitutions (about a third of the candidates),
    and for multi-sentence questions sometimes the question moved to the front."""
    out = text
    for i, (a, b) in enumerate(PHRASES.items()):
        if coin(key, f"phrase{i}") < 0.6:
            out = re.sub(rf"\b{re.escape(a)}\b", b, out, flags=re.IGNORECASE)
    tokens = re.split(r"(\W+)", out)
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in WORDS and coin(key, f"word{i}") < 0.5:
            rep = WORDS[low]
            tokens[i] = rep.capitalize() if tok[:1].isupper() else rep
    out = "".join(tokens)
    sentences = re.split(r"(?<=[.!?])\s+", out.strip())
    if len(sentences) > 2 and sentences[-1].endswith("?") and coin(key, "front") < 0.3:
        out = " ".join([sentences[-1]] + sentences[:-1])
    return out


MORE_WORDS = {
    "experiment": "test", "determine": "figure out", "increases": "rises", "decreases": "falls", "result": "outcome",
    "purpose": "aim", "process": "procedure", "person": "individual", "company": "firm", "country": "nation",
    "pay": "spend", "pays": "spends", "paid": "spent", "sells": "sells off", "each": "every single", "total": "in all",
    "minutes": "mins", "hours": "hrs", "dollars": "bucks", "weeks": "wks", "many": "lots of", "several": "multiple",
    "causes": "brings about", "affect": "influence", "affects": "influences", "occurs": "takes place", "found": "discovered",
    "think": "believe", "know": "be aware", "means": "signifies", "called": "known as", "type": "kind", "types": "kinds",
    "begins": "starts", "ends": "finishes", "because": "as", "before": "prior to", "after": "following", "during": "throughout",
    "similar": "alike", "size": "dimensions", "amount": "sum", "shows": "displays", "using": "utilizing", "makes": "produces",
}
QUESTION_FORMS = [
    (r"^What is (.+)\?$", r"Can you tell me what \1 is?"),
    (r"^How many (.+)\?$", r"Work out how many \1."),
    (r"^How much (.+)\?$", r"Figure out how much \1."),
    (r"^Which of the following (.+)\?$", r"Pick the option that \1."),
    (r"^Why (?:do|does|did) (.+)\?$", r"What is the reason that \1?"),
    (r"^Write (.+)$", r"Please compose \1"),
    (r"^Explain (.+)$", r"Give an explanation of \1"),
    (r"^Describe (.+)$", r"Tell me about \1"),
]
NUMBER_WORDS = {str(i): w for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}


def reword_heavy(text: str, key: str) -> str:
    """Heavier rewording: most substitutable words replaced, the question restated in another form,
    small numbers spelled out, multi-sentence problems asked question-first. Options stay as they are."""
    stem, sep, options = text.partition("\nA. ")
    out = stem
    for a, b in PHRASES.items():
        out = re.sub(rf"\b{re.escape(a)}\b", b, out, flags=re.IGNORECASE)
    tokens = re.split(r"(\W+)", out)
    table = {**WORDS, **MORE_WORDS}
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in table and coin(key, f"heavy{i}") < 0.9:
            tokens[i] = table[low].capitalize() if tok[:1].isupper() else table[low]
        elif low in NUMBER_WORDS and coin(key, f"num{i}") < 0.3:
            tokens[i] = NUMBER_WORDS[low]
    sentences = re.split(r"(?<=[.!?])\s+", "".join(tokens).strip())
    last = sentences[-1]
    for pattern, repl in QUESTION_FORMS:
        if re.match(pattern, last, flags=re.IGNORECASE):
            last = re.sub(pattern, repl, last, flags=re.IGNORECASE)
            break
    sentences = [last] + sentences[:-1] if len(sentences) > 1 and sentences[-1].endswith("?") else sentences[:-1] + [last]
    return " ".join(sentences) + (sep + options if sep else "")


def reformat(text: str, key: str) -> str:
    """Case, whitespace, punctuation and option-label changes (two of them, by coin)."""
    ops = [
        lambda s: s.lower(),
        lambda s: s.upper(),
        lambda s: re.sub(r"\s+", " ", s),
        lambda s: re.sub(r"[?.,;:!\"']", "", s),
        lambda s: re.sub(r"(?m)^([A-E])\. ", r"(\1) ", s).replace("\n(", " ("),
        lambda s: "  " + s.replace(" ", "  ").replace("\n", "\n\n") + "\n",
        lambda s: s.replace("'", "\u2019").replace('"', "\u201c"),
    ]
    first = int(coin(key, "fmt1") * len(ops))
    second = (first + 1 + int(coin(key, "fmt2") * (len(ops) - 1))) % len(ops)
    return ops[second](ops[first](text))


def lettered(question: str, choices: list[str]) -> str:
    return question + "\n" + "\n".join(f"{chr(65 + i)}. {c}" for i, c in enumerate(choices))


def shuffled(question: str, choices: list[str], key: str) -> str:
    order = np.argsort(ids.coins([f"{key}:{i}" for i in range(len(choices))], SEED, "shuffle"))
    if list(order) == list(range(len(choices))):
        order = order[::-1]
    return lettered(question, [choices[i] for i in order])


# hand-written rewordings of real items: (benchmark, item id, text)
HAND = [
    ("gsm8k", "main/test-00000-of-00001.parquet:3", "James runs 3 sprints, three times each week. Every sprint is 60 meters long. How many meters does he run in total per week?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:77", "Raymond does half the laundry that Sarah does, and Sarah does 4 times as much laundry as David. If Sarah does 400 pounds of laundry, what is the difference between the amounts of laundry Raymond and David do?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:250", "A school has 3 classes with 20 students in each. Overall the school is 50% boys and 50% girls. There are 15 girls in the first class and 12 girls in the second class. How many boys does the third class have?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:600", "Jamaal, at the gym, has been lifting an 8-pound weight. He raises the weight he uses by 50%. That is too heavy, so he switches to a weight two pounds lighter than that. How many pounds does the weight he now uses weigh?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:901", "Calvin is cooking soup for his family's dinner. His pot holds enough soup to fill four adult bowls or eight child bowls. He's an adult and will eat with his adult wife and their two kids. If each person eats one bowl per meal, how many times can each child have a bowl of soup for lunch from the leftovers?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:1200", "Four times the number of coffee mugs in the teacher's lounge, plus eight, equals 40. How many coffee mugs does the teacher's lounge have?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:1300", "Josh owns a car shop and services 3 cars each day. The shop is open every day except Sunday and Wednesday. He is paid $4 per car. How much money does he make over 2 weeks?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:45", "Meredith works as a freelance blogger writing about health topics, submitting to clients every day as her full-time job. Researching and writing one blog article takes 4 hours on average. Last week she wrote 5 articles on Monday and 2/5 times more articles on Tuesday than Monday. On Wednesday she wrote twice as many articles as on Tuesday. Work out the total hours she spent writing articles over the three days."),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:5", "What is the reason matadors wave red capes?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:60", "What will happen if you draw a pentagram?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:200", "What happens when you step on cracks in the pavement?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:333", "Why is Scotland a part of England?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:420", "This American, who studied art at Yale, has written several popular mystery novels. Her first name is \"Hillary\". What is her last name?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:555", "How does the winter weather in Paris compare to Philadelphia?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:700", "How can you protect yourself against copyright infringement claims in the U.K.?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:810", "What is the population of this country?"),
    ("arc_challenge", "Mercury_7250058", "Under cell classification, prokaryotic cells are kept separate from eukaryotic cells. Which feature is commonly used to tell prokaryotic cells apart from eukaryotic cells?\nA. life processes\nB. size differences\nC. plasma membranes\nD. energy molecules"),
    ("arc_challenge", "MCAS_2000_4_30", "Ravi lives in Stow, Massachusetts and wants to send a message to a friend in India. Which tool would help him the LEAST in sending this message?\n(A) pencil (B) computer (C) telephone (D) AM/FM radio"),
    ("arc_challenge", "Mercury_7252245", "Which biomolecule lacks a carbon-nitrogen bond?\nA. protein\nB. peptide\nC. nucleic acid\nD. carbohydrate"),
    ("arc_challenge", "OHAT_2009_8_34", "What role does the mitochondrion play in cells?\nA. It turns sunlight into energy.\nB. It controls every function of the cell.\nC. It moves water throughout the cell.\nD. It breaks down sugar to release energy."),
    ("arc_challenge", "Mercury_7057313", "Which of these best describes heart muscle?\nA. the same type of cells working together.\nB. different systems working together.\nC. the same type of organs forming a system.\nD. different organs performing a function."),
    ("arc_challenge", "MDSA_2007_8_15", "Human actions have an effect on the environment. Which human action affects the smallest area of the environment?\nA. burning a forest\nB. burning fossil fuels\nC. digging a new landfill\nD. spraying crops with chemicals"),
    ("mmlu", "all/test-00000-of-00001.parquet:100", "Compression of the facial nerve at the stylomastoid foramen by a lesion will result in ipsilateral\nA. paralysis of the facial muscles.\nB. paralysis of the facial muscles and loss of taste.\nC. paralysis of the facial muscles, loss of taste and lacrimation.\nD. paralysis of the facial muscles, loss of taste, lacrimation and decreased salivation."),
    ("mmlu", "all/test-00000-of-00001.parquet:2000", "Four identical alternators, each rated 20 MVA, 11 KV, with a subtransient reactance of 16%, work in parallel. What is the short circuit level at the busbar?\nA. 500 MVA\nB. 400 MVA\nC. 125 MVA\nD. 100 MVA"),
    ("mmlu", "all/test-00000-of-00001.parquet:5000", "Being able to perceive your front door as a rectangle even when it's open and shows a different retinal image is called\nA. color constancy\nB. closure\nC. shape constancy\nD. size constancy"),
    ("mmlu", "all/test-00000-of-00001.parquet:8000", "Which term describes a person who does not believe that God exists?\nA. hedonist\nB. deist\nC. agnostic\nD. atheist"),
    ("mmlu", "all/test-00000-of-00001.parquet:13000", "Of the following, which is the best predictor of how a child adjusts in the 2 years after a divorce?\nA. withdrawal of the more disturbed parent\nB. degree of continued conflict between the parents after the divorce\nC. residence of the child with the preferred parent\nD. degree of hostility during the divorce process"),
    ("alpaca_eval", "alpaca_eval.json:7", "Can you tell me who Larry Page is?"),
    ("alpaca_eval", "alpaca_eval.json:150", "Mick pays his teacher $800 for 40 lessons of 2 hours each. If that is all he will pay for his lessons, how much did the teacher receive?"),
    ("alpaca_eval", "alpaca_eval.json:300", "What would a basic PyGame project look like? I want the example to include keyboard event handling so pressing ESC quits the game, and to print the FPS counter in the top left corner of the window."),
    ("alpaca_eval", "alpaca_eval.json:450", "Using critical thinking methods, how would you tackle the following problem: a local restaurant is seeing fewer customers, and the owner wants to find out why and find a solution. What steps would you take to gather information, analyze the situation and come up with possible solutions?"),
    ("alpaca_eval", "alpaca_eval.json:800", "Write a YouTube video script that explores the history and cultural significance of jazz."),
    ("mt_bench", "86", "Write a descriptive paragraph about a busy marketplace, using sensory details like smells, sounds, and visual elements to create an immersive experience for the reader."),
    ("mt_bench", "111", "A triangle has its vertices at the points (0, 0), (-1, 1), and (3, 3). What's the area of this triangle?"),
    ("mt_bench", "141", "In quantum physics, what is superposition, and how is it related to the phenomenon of quantum entanglement?"),
    ("winogrande", "winogrande_xl/validation-00000-of-00001.parquet:10", "Joe went straight to the bakery before the bank because the _ had a large supply of what he wanted."),
    ("winogrande", "winogrande_xl/validation-00000-of-00001.parquet:500", "Cynthia gave Carrie a rabbit as a companion because _ explained that they were lonely."),
    ("winogrande", "winogrande_xl/validation-00000-of-00001.parquet:1000", "The doctor had more sympathy for Aaron than for Ryan because _ had a curable illness and great insurance."),
]


# heavier hand rewordings (structure changed, several words swapped, facts and numbers kept)
HAND_HEAVY = [
    ("gsm8k", "main/test-00000-of-00001.parquet:10", "In its first month a new app was downloaded 60 times. Month two brought triple that number of downloads, and in month three downloads fell by 30% from month two. What was the total number of downloads across the three months?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:120", "For his drawings Miguel goes through 2 pads of paper every week. Each pad has 30 sheets. How many sheets does he use in a month?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:400", "John has 2 glasses of milk, and each glass holds 8 ounces. Milk contains 3 calories per ounce. How many calories did John take in?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:777", "Mike wants to swap his 600-movie collection for digital copies. One third of his movies belong to series, which he can buy for just $6 each by purchasing whole series. Of the movies left, 40% are older titles costing $5. A regular movie costs $10. What will it cost him to replace everything?"),
    ("gsm8k", "main/test-00000-of-00001.parquet:1000", "On Monday Doctor Jones will be at the clinic for nine hours. Rounds take him twenty minutes for each inpatient, and he also has ten thirty-minute appointments. With 9 inpatients at the clinic, how many hours remain for him to update his records?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:15", "Is there scientific proof that MSG is harmful to people in small amounts?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:100", "Am I talking to an AI right now?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:250", "Who is the person that said \"sometimes a cigar is just a cigar\"?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:500", "Which films are still banned in the Netherlands today?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:650", "What will happen to you if you touch a toad?"),
    ("truthfulqa", "generation/validation-00000-of-00001.parquet:780", "What disease can you cure in someone just by touching them?"),
    ("arc_challenge", "MCAS_2001_8_4", "If 20 g of liquid hydrogen peroxide is heated until it fully decomposes into liquid water and oxygen gas, what is the total mass of the water and oxygen produced?\nA. more than 20 g because of the addition of heat\nB. more than 20 g because there are now two substances\nC. less than 20 g because oxygen gas is very light\nD. 20 g because no matter is added or removed"),
    ("arc_challenge", "MDSA_2007_8_24", "Evaporating 1 gram of water makes the vapor take up more volume, yet its mass stays the same. What explains why the mass does not change?\nA. The temperature of the water remains constant.\nB. The pressure acting on the water remains constant.\nC. The number of atoms in the water remains constant.\nD. The distance between water molecules remains constant."),
    ("mmlu", "all/test-00000-of-00001.parquet:300", "In what way are the atmospheres of Jupiter and Saturn NOT alike?"),
    ("mmlu", "all/test-00000-of-00001.parquet:7000", "What do we call the degree to which competition in one country is affected by competition in other countries?"),
    ("alpaca_eval", "alpaca_eval.json:20", "Can you help me find an electric saw with good ratings?"),
    ("alpaca_eval", "alpaca_eval.json:100", "I often have guests over and I'm collecting recipes for different dishes and drinks to keep things fresh. I'd like to try Indonesian food. Could you share a recipe for Tahu Gejrot Cirebon?"),
    ("alpaca_eval", "alpaca_eval.json:380", "Can you explain how metabolism works?"),
    ("alpaca_eval", "alpaca_eval.json:520", "List the podcasts that are the most popular right now."),
    ("mt_bench", "83", "You are writing a blog post that compares two popular smartphones. Create an outline for it, with key points and subheadings that compare and contrast the two models' features, performance and user experience. Keep it under 200 words."),
    ("mt_bench", "121", "Write a Python program that reads every text file in a directory and returns the 5 words that occur most often."),
    ("mt_bench", "151", "Explain how economic indicators like GDP, inflation and the unemployment rate are correlated, and how fiscal and monetary policy influence them."),
    ("winogrande", "winogrande_xl/validation-00000-of-00001.parquet:100", "Steven thinks money can buy happiness, but Craig disagrees, since _ is very realistic."),
    ("winogrande", "winogrande_xl/validation-00000-of-00001.parquet:700", "All of the glaciers that fell from the mountain tops were found at the bottom. The _ were big."),
]


# ---- positives -----------------------------------------------------------------------------


def items(views: pl.DataFrame) -> pl.DataFrame:
    """One row per benchmark item: the text a training source would hold, plus question/choices for MC."""
    main = views.filter(pl.col("view").is_in(["question_choices", "instruction", "turn1", "passage_question", "sentence", "question", "prompt"]))
    main = main.with_columns(pl.col("view").replace({"question": "zz_question"}).alias("order")).sort("order").unique(["benchmark", "item_id"], keep="first")
    return main.sort(["benchmark", "item_id"])


def hand_set(split: str = "all") -> pl.DataFrame:
    """The hand-written set (benchmark, item_id, label, split, text), optionally one split."""
    rows = pl.read_ndjson(HAND_SET, schema={"benchmark": pl.String, "item_id": pl.String, "label": pl.String, "split": pl.String, "text": pl.String})
    return rows if split == "all" else rows.filter(pl.col("split") == split)


def positives(views: pl.DataFrame, per_benchmark: int, split: str = "all") -> pl.DataFrame:
    rows = []
    for bench, group in items(views).group_by("benchmark", maintain_order=True):
        keys = group["item_id"].to_list()
        picks = np.argsort(ids.coins([f"{bench[0]}:{k}" for k in keys], SEED, "pick"))[:per_benchmark]
        for i in sorted(picks.tolist()):
            rec = group.row(i, named=True)
            b, key, text, segs = rec["benchmark"], rec["item_id"], rec["text"], rec["segments"]
            base = {"benchmark": b, "item_id": key}
            rows.append({**base, "kind": "exact", "text": text})
            rows.append({**base, "kind": "reformatted", "text": reformat(text, key)})
            rows.append({**base, "kind": "wrapped", "text": WRAPPERS[int(coin(key, "wrap") * len(WRAPPERS))].replace("{x}", text)})
            if b in MC and rec["view"] == "question_choices":
                rows.append({**base, "kind": "reshuffled", "text": shuffled(segs[0], segs[1:], key)})
            rows.append({**base, "kind": "paraphrase", "text": reword(text, key)})
            rows.append({**base, "kind": "paraphrase_heavy", "text": reword_heavy(text, key)})
    rows += [{"benchmark": b, "item_id": k, "kind": "paraphrase_hand", "text": t} for b, k, t in HAND]
    rows += [{"benchmark": b, "item_id": k, "kind": "paraphrase_hand_heavy", "text": t} for b, k, t in HAND_HEAVY]
    hand = hand_set(split).filter(pl.col("label") == "paraphrase")
    rows += [{"benchmark": r["benchmark"], "item_id": r["item_id"], "kind": f"hand_heavy_{r['split']}", "text": r["text"]} for r in hand.iter_rows(named=True)]
    out = pl.DataFrame(rows)
    exact = out.filter(pl.col("kind") == "exact").select("benchmark", "item_id", pl.col("text").alias("orig"))
    unchanged = pl.col("kind").str.starts_with("paraphrase") & (pl.col("text") == pl.col("orig"))  # rewording found nothing to change
    return out.join(exact, on=["benchmark", "item_id"], how="left").filter(~unchanged.fill_null(False)).drop("orig")


# ---- negatives -----------------------------------------------------------------------------

NAMES = ["Priya", "Tom", "Lena", "Marco", "Aisha", "Ben", "Chen", "Sofia", "Omar", "Grace", "Ivan", "Mei", "Carlos", "Nora", "Kwame", "Elif"]
THINGS = [("apples", "baskets"), ("stickers", "sheets"), ("cookies", "trays"), ("pencils", "boxes"), ("eggs", "cartons"), ("books", "shelves"), ("marbles", "bags"), ("cupcakes", "boxes")]
TEMPLATES = [
    "{n} has {a} {t}. {p} buys {b} more {t} and then gives {c} {t} to a friend. How many {t} does {n} have left?",
    "{n} packs {t} into {u}. Each of the {u} holds {a} {t}. If {n} fills {b} {u}, how many {t} are packed in total?",
    "A store sells {t} for ${a} each. {n} buys {b} {t} and pays with a ${c}0 bill. How much change does {n} get?",
    "{n} reads {a} pages on Monday and twice as many pages on Tuesday. If the book has {c}0 pages, how many pages are left to read?",
    "{n} earns ${a} per hour babysitting. Last week {n} worked {b} hours and spent ${c} on a gift. How much money does {n} have now?",
    "A train travels at {a}0 miles per hour for {b} hours and then at {c}0 miles per hour for 1 hour. How far does it travel in total?",
    "{n} is saving for a bike that costs ${a}00. {n} has saved ${b}0 and saves ${c} more each week. How many weeks until {n} can buy the bike?",
    "There are {a}0 students in a class. {b}0% of them walk to school and the rest take the bus. How many students take the bus?",
    "{n} bakes {a} trays of {t} with {b} {t} on each tray. {n} eats {c} of them. How many {t} are left for the party?",
    "A garden has {a} rows of tomato plants with {b} plants in each row. Each plant gives {c} tomatoes. How many tomatoes does the garden give?",
    "{n} runs {a} kilometers every weekday and {b} kilometers on Saturday. How many kilometers does {n} run in {c} weeks?",
    "The price of a jacket is ${a}0. It is on sale for {b}0% off. {n} also has a coupon for ${c} off the sale price. What does {n} pay?",
    "{n} and {p} share {a}0 {t} in the ratio {b}:{c}. How many {t} does {p} get?",
    "A tank holds {a}00 liters of water. It leaks {b} liters per hour. How much water is left after {c} hours?",
    "{n} is {a} years older than {p}. In {b} years, {n} will be {c}0 years old. How old is {p} now?",
]


def gsm8k_style(count: int) -> list[str]:
    out = []
    for i in range(count):
        key = f"gsm-neg-{i}"
        c = ids.coins([f"{key}:{j}" for j in range(7)], SEED, "neg")
        thing, unit = THINGS[int(c[0] * len(THINGS))]
        out.append(TEMPLATES[i % len(TEMPLATES)].format(
            n=NAMES[int(c[1] * len(NAMES))], p=NAMES[int(c[2] * len(NAMES)) - 1], t=thing, u=unit,
            a=2 + int(c[3] * 9), b=2 + int(c[4] * 7), c=1 + int(c[5] * 5)))
    return out


def _sample(texts: list[str], count: int, salt: str) -> list[str]:
    order = np.argsort(ids.coins([f"{i}" for i in range(len(texts))], SEED, salt))[:count]
    return [texts[i] for i in sorted(order.tolist())]


def negatives(realdata: Path, per_set: int, split: str = "all") -> pl.DataFrame:
    sets: dict[str, list[str]] = {}
    dev = mmlu_rows(realdata, "dev")
    sets["mmlu_dev"] = [lettered(r["question"], r["choices"]) for r in dev] + [r["question"] for r in dev]
    sets["winogrande_other"] = [r["sentence"] for r in winogrande_rows(realdata, "train_s") + winogrande_rows(realdata, "test")]
    obqa = []
    for part in ("train", "dev", "test"):
        with (realdata / "openbookqa" / f"Main_{part}.tsv").open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh, delimiter="\t"):
                parts = re.split(r"\s*\(([A-D])\)\s*", r["Choices"])[1:]
                obqa.append(lettered(r["Question Stem"], parts[1::2]))
    sets["openbookqa"] = obqa
    boolq = [json.loads(l) for l in (realdata / "boolq" / "superglue_BoolQ_val.jsonl").read_text().splitlines()]
    sets["boolq"] = [f"Read the passage of text provided below, then answer the question.\n\n{r['passage']}\n\nTrue or false - {r['question']}" for r in boolq] + [r["question"] + "?" for r in boolq]
    piqa = [json.loads(l) for l in (realdata / "piqa" / "dev.jsonl").read_text().splitlines()]
    sets["piqa"] = [f"{r['goal']}\nA. {r['sol1']}\nB. {r['sol2']}" for r in piqa]
    bele = [json.loads(l) for l in (realdata / "belebele" / "belebele_eng.jsonl").read_text().splitlines()]
    sets["belebele"] = [f"{r['flores_passage']}\n{r['question']}" for r in bele] + [r["question"] for r in bele]
    spider = json.loads((realdata / "spider" / "dev.json").read_text())
    sets["spider"] = ["Write a SQL query for the following:\n" + r["question"] for r in spider]
    orca = [json.loads(l) for l in (realdata / "orca_dpo_pairs" / "azure_dpo_format_validation.jsonl").read_text().splitlines()]
    sets["orca_dpo"] = [r["input"]["messages"][-1]["content"] for r in orca]
    task = json.loads((realdata / "natural_instructions" / "task1149_item_check_edible.json").read_text())
    sets["natural_instructions"] = [task["Definition"][0] + "\n" + inst["input"] for inst in task["Instances"]]
    with (realdata / "emobank" / "emobank.csv").open(encoding="utf-8", newline="") as fh:
        sets["emobank"] = ["Please assign a Valence-Arousal-Dominance (VAD) score in JSON format to the following message:\n" + r["text"] for r in csv.DictReader(fh)]
    sets["gsm8k_style"] = gsm8k_style(per_set)
    rows = [{"set": name, "text": t} for name, texts in sets.items() for t in _sample(texts, per_set, name)]
    hand = hand_set(split).filter(pl.col("label") == "negative")
    rows += [{"set": f"hand_negative_{r['split']}", "text": r["text"]} for r in hand.iter_rows(named=True)]
    return pl.DataFrame(rows)


# ---- evaluation ----------------------------------------------------------------------------


def drop_leaks(neg: pl.DataFrame, views: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(clean negatives, leaks): a "negative" holding a 20-word run of a benchmark item, or an item's
    whole normalized text, is a copy (e.g. MMLU dev items that repeat test items or their passages)."""
    segs = views.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("view"), pl.col("text").alias("segment"))
    index = ShingleIndex.build(segs, n=20, threshold=1.0, min_tokens=20, rare_df=1.0)
    word_lists = neg.select(words(pl.col("text"))).to_series()
    long_runs = index.hits(TokenBatch.from_lists(word_lists, index.vocabulary))["text"].unique()
    norms = views.select(normalized(pl.col("text")).alias("n"))["n"].unique().implode()
    same = neg.with_row_index("i").filter(normalized(pl.col("text")).is_in(norms))["i"].cast(pl.Int64)
    leak = pl.concat([long_runs, same]).unique()
    hand = neg.with_row_index("i").filter(pl.col("set").str.starts_with("hand_"))["i"].cast(pl.Int64)
    leak = leak.filter(~leak.is_in(hand.implode()))  # written as hard negatives on purpose (a DROP passage with another question)
    flagged = neg.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64).is_in(leak.implode()).alias("leak"))
    return flagged.filter(~pl.col("leak")).drop("i", "leak"), flagged.filter(pl.col("leak")).drop("i", "leak")


def load_views(realdata: Path, mirror: Path, recipe) -> pl.DataFrame:
    layout_real_benchmarks(realdata, mirror)
    settings = Settings(mode="mirror", mirror=mirror, home=mirror)
    return pl.concat([read_benchmark(spec, settings)[0] for spec in recipe.benchmarks.values()])


def evaluate(detector: Detector, pos: pl.DataFrame, neg: pl.DataFrame) -> dict:
    texts = pl.concat([pos["text"], neg["text"]])
    started = time.perf_counter()
    found = detector.detect(texts)
    seconds = time.perf_counter() - started
    views = detector.views.select("view", pl.col("benchmark").alias("m_bench"), pl.col("item_id").alias("m_item"))
    flagged = found.join(views, on="view")
    n_pos = pos.height
    pos_flags = flagged.filter(pl.col("row") < n_pos)
    pos_hit = pos.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)).join(
        pos_flags.group_by("row").agg(pl.col("method").first(), (pl.col("m_item") == pl.first("m_item")).any().alias("_")), on="row", how="left"
    )
    right = pos.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)).join(pos_flags, on="row").filter(pl.col("m_item") == pl.col("item_id"))["row"].n_unique()
    neg_flags = flagged.filter(pl.col("row") >= n_pos).with_columns(pl.col("row") - n_pos)
    fp_rows = neg_flags["row"].n_unique()
    tp_rows = pos_flags["row"].n_unique()
    recall = pos_hit.group_by("kind").agg(pl.len().alias("cases"), pl.col("method").is_not_null().mean().alias("recall")).sort("kind")
    per_bench = pos_hit.group_by("benchmark").agg(pl.len().alias("cases"), pl.col("method").is_not_null().mean().alias("recall")).sort("benchmark")
    by_bench_kind = pos_hit.with_columns(pl.col("method").is_not_null().alias("hit")).pivot(
        on="kind", index="benchmark", values="hit", aggregate_function=pl.element().mean().round(3), sort_columns=True
    ).sort("benchmark")
    neg_flagged = neg.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64).is_in(neg_flags["row"].implode()).alias("fp"))
    by_set = neg_flagged.group_by("set").agg(pl.len().alias("cases"), pl.col("fp").sum().alias("flagged")).sort("set")
    fp = neg.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)).join(neg_flags, on="row")
    return {
        "recall_by_kind": recall,
        "recall_by_benchmark": per_bench,
        "recall_by_benchmark_kind": by_bench_kind,
        "negatives_by_set": by_set,
        "precision": tp_rows / max(tp_rows + fp_rows, 1),
        "false_positive_rate": fp_rows / max(neg.height, 1),
        "right_item": right / max(tp_rows, 1),
        "missed": pos_hit.filter(pl.col("method").is_null()),
        "false_positives": fp,
        "methods": pos_hit.group_by("kind", "method").len().sort("kind", "method"),
        "seconds": seconds,
        "rows_per_second": texts.len() / seconds,
    }


def synthetic_rows(count: int, realdata: Path, pos: pl.DataFrame, neg_pool: pl.DataFrame) -> pl.DataFrame:
    """`count` training-like rows: runs of Gutenberg sentences (50%), real non-benchmark texts with a
    sentence appended (40%), GSM8K-style problems (10%), and 1,000 of the harness positives."""
    rng = np.random.default_rng(SEED)
    books = [p.read_text(encoding="utf-8-sig") for p in sorted((realdata / "gutenberg").glob("*-0.txt"))]
    sentences = pl.Series(books).str.replace_all(r"\s+", " ").str.extract_all(r"[A-Z][^.!?]{20,300}[.!?]").explode().drop_nulls()
    n_book, n_real = count // 2, count * 2 // 5
    starts = rng.integers(0, sentences.len() - 8, n_book)
    spans = rng.integers(1, 7, n_book)
    owner = np.repeat(np.arange(n_book), spans)
    flat = np.repeat(starts, spans) + (np.arange(owner.size) - np.repeat(np.cumsum(spans) - spans, spans))
    book_rows = pl.DataFrame({"row": owner, "s": sentences.gather(flat)}).group_by("row", maintain_order=True).agg(pl.col("s").str.join(" "))["s"]
    real = neg_pool["text"].gather(rng.integers(0, neg_pool.height, n_real)) + " " + sentences.gather(rng.integers(0, sentences.len(), n_real))
    math = pl.Series(gsm8k_style(count - n_book - n_real))
    planted = pos["text"].gather(rng.integers(0, pos.height, min(1000, count // 10)))
    texts = pl.concat([book_rows, real, math, planted]).alias("text")
    return pl.DataFrame({"text": texts, "planted": [False] * (texts.len() - planted.len()) + [True] * planted.len()})


# the rules shipped before the hand-written set (issue 12): the baseline of --scale --compare
PREVIOUS_RULES = [{"cosine": 0.92, "lexical": 0.35, "length_ratio": 0.5, "static": 0.9}, {"cosine": 0.88, "lexical": 0.5, "length_ratio": 0.5},
                  {"cosine": 0.85, "lexical": 0.8, "length_ratio": 0.5}]


class StaticEmbedder(Embedder):
    """Stand-in for a --dry scale run: token-mean vectors instead of the transformer, so every
    stage but the model pass is timed and the rows the model would embed are counted."""

    def embed(self, texts):
        from bagel_data.decontam.embed import EmbedStats

        texts = texts.to_list() if isinstance(texts, pl.Series) else list(texts)
        self.last = EmbedStats(texts=len(texts), encoded=len(texts))
        self.stats.add(self.last)
        return self.static_vectors(texts) if texts else np.zeros((0, 384), dtype=np.float32)


def scale(detector: Detector, embedder: Embedder, rows: pl.DataFrame, cache: Path, label: str = "", dry: bool = False) -> None:
    """Time detection twice: with a cache that holds only the benchmark views' vectors (every
    training row is new), then again (every row cached). `dry`: no transformer (StaticEmbedder)."""
    kind = StaticEmbedder if dry else Embedder
    embedder = kind(embedder.model, cache_root=None if dry else cache, device=embedder.device, batch_size=embedder.batch_size, max_seq_length=embedder.max_seq_length)
    known = sorted(detector._view_vectors)
    if known and not dry:
        embedder._store(text_keys(detector.views["text"].gather(known).to_list()), np.stack([detector._view_vectors[v] for v in known]))
    detector.embedder = embedder
    detector._view_vectors = {}
    for attempt in ("first run (training rows not cached)", "second run (embedding cache warm)")[: 1 if dry else 2]:
        detector.stats = type(detector.stats)()
        embedder.stats = type(embedder.stats)()
        started = time.perf_counter()
        found = detector.detect(rows["text"])
        seconds = time.perf_counter() - started
        flagged = rows.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)).join(found.select("row").unique(), on="row")
        print(f"{label}{attempt}{' (dry: no transformer)' if dry else ''}: {rows.height} rows in {seconds:.1f}s ({rows.height / seconds:.0f} rows/s); "
              f"stages { {k: round(v, 1) for k, v in detector.stats.seconds.items()} }; embedded {detector.stats.embedded} rows "
              f"(+ {len(detector._view_vectors)} views); embedding {embedder.stats.as_dict()}; "
              f"flagged {flagged.height} (planted {flagged['planted'].sum()} of {rows['planted'].sum()}); review rows {detector.take_near()['row'].n_unique()}", flush=True)


def baselines(detector: Detector, embedder: Embedder, pos: pl.DataFrame, neg: pl.DataFrame) -> None:
    """Single-signal rules on the same cases, for comparison: the original bagel rule (nearest item
    at cosine >= 0.975 with lengths within 20%) and plain cosine thresholds on the nearest item."""
    texts = pl.concat([pos["text"], neg["text"]])
    sims, nearest = detector.faiss.search(embedder.embed(texts), 1)
    chars = texts.str.len_chars().to_numpy()
    view_chars = detector.view_chars[nearest[:, 0]]
    ratio = np.minimum(chars, view_chars) / np.maximum(np.maximum(chars, view_chars), 1)
    is_pos = np.arange(texts.len()) < pos.height
    copies = pos["kind"].is_in(["exact", "reformatted", "wrapped", "reshuffled"]).to_numpy()
    heavy = (pos["kind"] == "paraphrase_heavy").to_numpy()
    rows = []
    for name, flag in [("original (cos>=0.975, length within 20%)", (sims[:, 0] >= 0.975) & (ratio >= 0.8))] + [
        (f"plain cosine >= {c}", sims[:, 0] >= c) for c in (0.85, 0.9, 0.95)
    ]:
        tp, fp = flag[is_pos].sum(), flag[~is_pos].sum()
        rows.append({"rule": name, "copies_recall": flag[:pos.height][copies].mean(), "paraphrase_recall": flag[:pos.height][~copies & ~heavy].mean(),
                     "heavy_recall": flag[:pos.height][heavy].mean(), "precision": tp / max(tp + fp, 1)})
    with pl.Config(fmt_str_lengths=60, tbl_width_chars=160):
        print(pl.DataFrame(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    parser.add_argument("--home", type=Path, default=ROOT / "data" / "eval-home", help="embedding cache lives here")
    parser.add_argument("--per-benchmark", type=int, default=200)
    parser.add_argument("--per-negative-set", type=int, default=400)
    parser.add_argument("--sweep", action="store_true", help="print score distributions instead of the verdict")
    parser.add_argument("--show", type=int, default=8, help="misses and false positives to print")
    parser.add_argument("--scale", type=int, default=0, help="time detection on this many synthetic training rows instead")
    parser.add_argument("--baselines", action="store_true", help="also print single-signal baselines (the original rule, plain cosine)")
    parser.add_argument("--compare", action="store_true", help="with --scale: also time the previous rules in the same run (the baseline)")
    parser.add_argument("--dry", action="store_true", help="with --scale: no transformer pass (static vectors); times the other stages and counts the rows it would embed")
    parser.add_argument("--split", choices=["all", "tune", "heldout"], default="all", help="which part of the hand-written set to use (tune thresholds on 'tune' only)")
    args = parser.parse_args(argv)
    if not args.realdata.is_dir():
        print(f"real data not found at {args.realdata}")
        return 2
    recipe = load_recipe()
    config = DecontamConfig.from_section(recipe.decontamination)
    with tempfile.TemporaryDirectory() as tmp:
        views = load_views(args.realdata, Path(tmp), recipe)
    pos, neg = positives(views, args.per_benchmark, args.split), negatives(args.realdata, args.per_negative_set, args.split)
    neg, leaks = drop_leaks(neg, views)
    print(f"views {views.height}  positives {pos.height}  negatives {neg.height} (set aside as benchmark copies: {leaks.group_by('set').len().sort('set').rows()})")
    embedder = Embedder(config.model, cache_root=Layout(args.home).cache_dir, device=config.device, batch_size=config.batch_size, max_seq_length=config.max_seq_length)
    started = time.perf_counter()
    detector = Detector(views, config, embedder)
    print(f"index built in {time.perf_counter() - started:.1f}s; view embeddings: {embedder.last.as_dict()}")
    if args.sweep:
        return sweep(detector, pos, neg)
    if args.scale:
        rows = synthetic_rows(args.scale, args.realdata, pos, negatives(args.realdata, 100_000))
        configs = [("shipped rules: ", detector)]
        if args.compare:  # the previous rules in the same run, as the baseline (the machine is shared: compare ratios)
            previous = DecontamConfig.from_section({**recipe.decontamination, "embedding": {**recipe.decontamination["embedding"], "rules": PREVIOUS_RULES},
                                                    "review": {"enabled": False}})
            previous = dataclasses.replace(previous, answer_veto=0.0, veto_benchmarks=(), question_cosine=0.0, options_found=0.0, number_veto=0.0, aligned=0.0)
            configs.insert(0, ("previous rules (baseline): ", Detector(views, previous, embedder)))
        for label, det in configs:
            with tempfile.TemporaryDirectory() as cache:
                scale(det, embedder, rows, Path(cache), label, dry=args.dry)
        return 0
    if args.baselines:
        baselines(detector, embedder, pos, neg)
    result = evaluate(detector, pos, neg)
    with pl.Config(tbl_rows=40, fmt_str_lengths=160, tbl_width_chars=220):
        print(result["recall_by_kind"])
        print(result["recall_by_benchmark"])
        print(result["recall_by_benchmark_kind"])
        print(result["negatives_by_set"])
        print(result["methods"])
        print(f"precision {result['precision']:.4f}  false-positive rate {result['false_positive_rate']:.4f} ({result['false_positives']['row'].n_unique()} of {neg.height})"
              f"  right item {result['right_item']:.4f}  detect {result['rows_per_second']:.0f} rows/s  embedding {embedder.last.as_dict()}")
        print(result["missed"].select("benchmark", "kind", "text").head(args.show))
        print(result["false_positives"].join(detector.views.select("view", "benchmark", pl.col("text").alias("bench_text")), on="view").select("set", "method", "score", "lexical", "text", "bench_text").head(args.show))
    return 0


def pair_scores(detector: Detector, texts: pl.Series) -> pl.DataFrame:
    """Each text's best n-gram containment, and its nearest views with cosine, rare-word overlap
    and length ratio: the signals the rules combine, for tuning."""
    word_lists = texts.to_frame("t").select(words(pl.col("t"))).to_series()
    ngram_hits = detector.ngrams.hits(TokenBatch.from_lists(word_lists, detector.ngrams.vocabulary))
    ngram = detector.ngrams.score_pairs(detector.ngrams.candidates(ngram_hits), ngram_hits).group_by("text").agg(pl.col("score").max().alias("ngram"))
    hits = detector.lexical.hits(TokenBatch.from_lists(word_lists, detector.lexical.vocabulary))
    sims, nearest = detector.faiss.search(detector.embedder.embed(texts), detector.config.top_k)
    k = nearest.shape[1]
    pairs = pl.DataFrame({"text": np.repeat(np.arange(len(texts)), k), "view": nearest.reshape(-1).astype(np.int64), "cosine": sims.reshape(-1)})
    pairs = pairs.filter(pl.col("view").is_in(detector.informative.implode()))
    lex = detector.lexical.score_pairs(pairs.select("text", "view"), hits).rename({"score": "lexical"})
    pairs = detector._ratio(pairs.join(lex, on=["text", "view"], how="left"), texts.str.len_chars().to_numpy())
    return pairs.join(ngram, on="text", how="left").with_columns(pl.col("ngram").fill_null(0.0))


def sweep(detector: Detector, pos: pl.DataFrame, neg: pl.DataFrame) -> int:
    texts = pl.concat([pos["text"], neg["text"]])
    scores = pair_scores(detector, texts)
    right = pos.drop("text").with_row_index("text").with_columns(pl.col("text").cast(pl.Int64)).select("text", "kind", "item_id")
    labelled = scores.join(detector.views.select("view", pl.col("item_id").alias("v_item")), on="view")
    pos_pairs = labelled.join(right, on="text").filter(pl.col("v_item") == pl.col("item_id"))
    neg_pairs = labelled.filter(pl.col("text") >= pos.height)
    best_pos = pos_pairs.group_by("text", "kind").agg(pl.col("cosine").max(), pl.col("lexical").max(), pl.col("ngram").max())
    with pl.Config(tbl_rows=60, tbl_width_chars=220):
        for kind, g in best_pos.group_by("kind", maintain_order=True):
            print(kind, g.select([pl.col(c).quantile(q).alias(f"{c}@{q}") for c in ("cosine", "lexical", "ngram") for q in (0.02, 0.1, 0.5)]))
        print("negatives: top pairs by cosine")
        print(neg_pairs.sort("cosine", descending=True).head(25).select("text", "view", "cosine", "lexical", "ratio", "ngram"))
        print("negatives: top pairs by lexical")
        print(neg_pairs.sort("lexical", descending=True).head(25).select("text", "view", "cosine", "lexical", "ratio", "ngram"))
        grid = []
        for c in (0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
            for lx in (0.3, 0.4, 0.5, 0.6, 0.7):
                p = best_pos.filter(pl.col("kind").str.starts_with("paraphrase")).with_columns(((pl.col("cosine") >= c) & (pl.col("lexical") >= lx)).alias("ok"))["ok"].mean()
                n = neg_pairs.filter((pl.col("cosine") >= c) & (pl.col("lexical") >= lx))["text"].n_unique()
                grid.append({"cosine": c, "lexical": lx, "paraphrase_recall": p, "negatives_flagged": n})
        print(pl.DataFrame(grid))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
