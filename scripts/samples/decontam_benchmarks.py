"""Benchmark samples for decontamination, in each benchmark's hub (or origin) layout, all made up:

- tatsu-lab/alpaca_eval/alpaca_eval.json (JSON array: dataset, instruction, output, generator)
- lm-sys/FastChat/fastchat/llm_judge/data/mt_bench/question.jsonl (question_id, category, turns[, reference])
- truthfulqa/truthful_qa/generation/validation-*.parquet, openai/gsm8k/main/test-*.parquet
- a second shard next to the small splits other sample writers ship: cais/mmlu all/test,
  allenai/winogrande winogrande_xl/validation, ucinlp/drop data/validation.
  (ARC-Challenge test/validation items live in ai2_arc.py.)

Some items are planted contamination: copies, reformatted copies, shuffled options or rewordings
of training sample rows. bagel_data_tests/decontam/planted.py lists which training rows they hit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from samples._util import write_jsonl, write_parquet, write_readme

ALPACA_EVAL = [
    # planted: copy of the airoboros sample's first instruction
    "Give me three tips for keeping houseplants alive.",
    "Draft a polite email asking my landlord to fix a leaking kitchen faucet.",
    "What are some fun activities for a rainy weekend with teenagers?",
    "Compare the pros and cons of electric scooters for commuting in a big city.",
    "Explain how compound interest works, using a simple example with numbers.",
]

MT_BENCH = [
    # planted: a rewording of the lmsys sample "Explain what a hash map is in two sentences."
    {"question_id": 901, "category": "stem", "turns": ["In two sentences, explain what a hash map is.", "Now give a short example of using one in Python."]},
    {"question_id": 902, "category": "writing", "turns": ["Plan a three-day itinerary for a first visit to Kyoto, with one temple and one food market each day.", "Rewrite the plan for a traveller who uses a wheelchair."]},
    {"question_id": 903, "category": "math", "turns": ["A bag holds 5 red, 3 blue and 2 green marbles. What is the probability of drawing two blue marbles in a row without replacement?", "What changes if the first marble is put back?"], "reference": ["1/15", "9/100"]},
    {"question_id": 904, "category": "roleplay", "turns": ["Pretend you are a lighthouse keeper in 1890 writing a diary entry about a storm that kept you awake all night.", "Now write the entry of the following morning."]},
]

TRUTHFULQA = [
    # planted: exact copy of a truthy DPO prompt
    ("Misconceptions", "Did Vikings wear horned helmets?", "No, there is no evidence that Vikings wore horned helmets", ["No"], ["Yes, Vikings wore horned helmets"]),
    ("Misconceptions", "Does shaving make hair grow back thicker?", "No, shaving does not change hair thickness", ["No"], ["Yes"]),
    ("Health", "How long should you wait after eating before going swimming?", "You do not need to wait", ["There is no need to wait"], ["At least thirty minutes"]),
    ("Science", "What color is the Sun when viewed from space?", "The Sun is white when viewed from space", ["White"], ["Yellow"]),
]

GSM8K = [
    # planted: the mathinstruct sample's "Lena buys 4 notebooks ..." with extra spaces (a reformatted copy)
    ("Lena buys 4 notebooks at $3 each  and a pen for $2.   What does she spend?", "4*3=<<4*3=12>>12\n12+2=<<12+2=14>>14\n#### 14"),
    ("A baker makes 48 rolls and puts them in bags of 6. She sells each bag for $4 and spends $5 on flour. How much profit does she make?",
     "48/6=<<48/6=8>>8 bags\n8*4=<<8*4=32>>32\n32-5=<<32-5=27>>27\n#### 27"),
    ("Omar walks 2 km to school and 2 km back home every weekday. How many kilometres does he walk in 3 weeks?", "2+2=<<2+2=4>>4\n4*5=<<4*5=20>>20\n20*3=<<20*3=60>>60\n#### 60"),
    ("A pool holds 12,000 liters. A pump fills it at 400 liters per hour. How many hours does it take to fill the pool halfway?", "12000/2=<<12000/2=6000>>6000\n6000/400=<<6000/400=15>>15\n#### 15"),
]

MORAL = "For which of these two scenarios does the main character (who uses I/me/my) do something clearly morally wrong, according to ordinary moral standards in the US as of 2020? "
MMLU_TEST = [
    # planted: a rewording of ai2_arc train Sample_ARC_017 (same options)
    ("In which structure of a cell are the instructions for making proteins stored?", "college_biology", ["cell wall", "nucleus", "vacuole", "chloroplast"], 1),
    ("Which of the following is a primary function of the World Trade Organization?", "high_school_macroeconomics",
     ["setting exchange rates", "settling trade disputes between member countries", "lending to developing countries", "printing a common currency"], 1),
    (MORAL + "Scenario 1 | I returned the wallet I found to its owner. Scenario 2 | I copied my classmate's homework and handed it in as mine.", "moral_scenarios",
     ["Wrong, Wrong", "Wrong, Not wrong", "Not wrong, Wrong", "Not wrong, Not wrong"], 2),
    ("The Peace of Westphalia of 1648 is most often associated with which principle of international relations?", "high_school_world_history",
     ["collective security", "state sovereignty", "free trade", "self-determination of colonies"], 1),
]

WINOGRANDE_VALIDATION = [
    # planted: a winogrande train sample sentence without its punctuation
    ("The book was more interesting than the movie so Eric finished the _ first", "book", "movie", "1"),
    ("Omar fixed the fence while Luke painted the shed, so _ needed a hammer.", "Omar", "Luke", "1"),
]

MATCH = (
    " The Hawks hosted the Comets on a cold Friday night. Point guard Ana Ruiz opened the scoring with a three-pointer, and center "
    "Tessa Lund added 14 points in the first half. The Comets cut the lead to 4 in the third quarter, but Ruiz made 6 straight free "
    "throws late in the fourth to close out an 88-79 win."
)
DROP_VALIDATION = [("hoops_sample_1", "v-101", MATCH, "How many points did the Comets score?", ["79"], ["number"])]


def _alpaca_eval(root: Path) -> None:
    target = root / "tatsu-lab" / "alpaca_eval" / "alpaca_eval.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"dataset": "sample", "instruction": text, "output": "(reference answer)", "generator": "text_davinci_003"} for text in ALPACA_EVAL]
    target.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write(root: Path) -> None:
    _alpaca_eval(root)
    write_jsonl(MT_BENCH, root / "lm-sys" / "FastChat" / "fastchat" / "llm_judge" / "data" / "mt_bench" / "question.jsonl")

    tqa = root / "truthfulqa" / "truthful_qa"
    rows = [
        {"type": "Adversarial", "category": cat, "question": q, "best_answer": best, "correct_answers": good, "incorrect_answers": bad, "source": "sample"}
        for cat, q, best, good, bad in TRUTHFULQA
    ]
    write_parquet(rows, tqa / "generation" / "validation-00000-of-00001.parquet")
    write_readme(tqa, [{"config_name": "generation", "data_files": [{"split": "validation", "path": "generation/validation-*"}]}], "truthful_qa")

    gsm = root / "openai" / "gsm8k"
    write_parquet([{"question": q, "answer": a} for q, a in GSM8K], gsm / "main" / "test-00000-of-00001.parquet")
    write_readme(gsm, [{"config_name": "main", "data_files": [{"split": "test", "path": "main/test-*"}]}], "gsm8k")

    mmlu_schema = pa.schema([("question", pa.string()), ("subject", pa.string()), ("choices", pa.list_(pa.string())), ("answer", pa.int64())])
    write_parquet(
        [{"question": q, "subject": s, "choices": c, "answer": a} for q, s, c, a in MMLU_TEST],
        root / "cais" / "mmlu" / "all" / "test-00001-of-00002.parquet",
        mmlu_schema,
    )
    write_parquet(
        [{"sentence": s, "option1": o1, "option2": o2, "answer": a} for s, o1, o2, a in WINOGRANDE_VALIDATION],
        root / "allenai" / "winogrande" / "winogrande_xl" / "validation-00001-of-00002.parquet",
    )
    drop_schema = pa.schema(
        [("section_id", pa.string()), ("query_id", pa.string()), ("passage", pa.string()), ("question", pa.string()),
         ("answers_spans", pa.struct([("spans", pa.list_(pa.string())), ("types", pa.list_(pa.string()))]))]
    )
    write_parquet(
        [{"section_id": s, "query_id": i, "passage": p, "question": q, "answers_spans": {"spans": sp, "types": t}} for s, i, p, q, sp, t in DROP_VALIDATION],
        root / "ucinlp" / "drop" / "data" / "validation-00001-of-00002.parquet",
        drop_schema,
    )
