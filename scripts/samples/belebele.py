"""facebook/belebele sample: one JSON Lines file per language under data/ (data/<lang>.jsonl), fields
link, question_number (int), flores_passage, question, mc_answer1..4, correct_answer_num (a string),
dialect, ds; the README's default config has one split per language, the layout bagel v0.2 read
(`load_dataset("facebook/belebele")` gave one split per language; the hub later moved to one config
per language with a "test" split).

Three languages; eng_Latn holds the awkward rows: an integer correct_answer_num, a duplicate, a
long passage, and malformed ones (answer number 5, empty passage, empty correct answer text, a
missing question field).
"""

from __future__ import annotations

from pathlib import Path

from samples._util import write_jsonl, write_readme

PASSAGES = {
    "garden": "Community gardens let city residents grow vegetables on shared land. Members pay a small yearly fee, and in return they receive a plot, water and tools. Many gardens also hold workshops on composting and seed saving.",
    "train": "The night train leaves the capital at ten in the evening and arrives at the coast by seven the next morning. Sleeping cabins hold four beds, and breakfast is served in the dining car an hour before arrival.",
    "museum": "The city museum is free on the first Sunday of each month. On other days, adults pay eight euros, while students and children under twelve enter at half price. Guided tours start every hour.",
}

ENG = [
    ("garden", 1, "What do members receive in return for the yearly fee?", ["A salary", "A plot, water and tools", "Free vegetables", "A composting certificate"], "2"),
    ("garden", 2, "Which topic do workshops at many gardens cover?", ["Car repair", "Seed saving", "Painting", "Cooking fish"], "2"),
    ("train", 1, "When does the night train arrive at the coast?", ["Ten in the evening", "Midnight", "Seven in the morning", "Noon"], "3"),
    ("train", 2, "How many beds does a sleeping cabin hold?", ["Two", "Three", "Four", "Six"], "3"),
    ("train", 3, "When is breakfast served?", ["An hour before arrival", "At departure", "At midnight", "After arrival"], "1"),
    ("museum", 1, "On which day is the museum free?", ["Every Saturday", "The first Sunday of each month", "Every Monday", "The last Friday of each month"], "2"),
    ("museum", 2, "How much does a student pay on a normal day?", ["Nothing", "Four euros", "Eight euros", "Twelve euros"], "2"),
    ("museum", 3, "How often do guided tours start?", ["Every hour", "Twice a day", "Once a week", "Only on Sundays"], "1"),
    ("museum", 2, "How much does a student pay on a normal day?", ["Nothing", "Four euros", "Eight euros", "Twelve euros"], "2"),
    ("garden", 3, "According to the passage, where are community gardens located?", ["In the countryside", "In cities", "On islands", "In deserts"], 2),
]


def item(lang: str, passage_key: str, number: int, question: str | None, answers: list[str], correct, passage: str | None = None) -> dict:
    row = {
        "link": f"https://en.wikivoyage.org/wiki/Sample_{passage_key}",
        "question_number": number,
        "flores_passage": PASSAGES[passage_key] if passage is None else passage,
        "question": question,
        "mc_answer1": answers[0],
        "mc_answer2": answers[1],
        "mc_answer3": answers[2],
        "mc_answer4": answers[3],
        "correct_answer_num": correct,
        "dialect": lang,
        "ds": "2023-05-03",
    }
    if question is None:
        del row["question"]
    return row


def english() -> list[dict]:
    rows = [item("eng_Latn", *r) for r in ENG]
    rows.append(item("eng_Latn", "train", 4, "How long is the journey?", ["Three hours", "Nine hours", "Twelve hours", "Two days"], "2", passage=PASSAGES["train"] + " The route crosses several mountain passes and river valleys." * 20))
    rows.append(item("eng_Latn", "garden", 4, "Which answer number is valid?", ["one", "two", "three", "four"], "5"))
    rows.append(item("eng_Latn", "garden", 5, "Which passage is empty?", ["one", "two", "three", "four"], "1", passage="  "))
    rows.append(item("eng_Latn", "garden", 6, "Which answer text is empty?", ["", "two", "three", "four"], "1"))
    rows.append(item("eng_Latn", "garden", 7, None, ["one", "two", "three", "four"], "1"))
    return rows


FRENCH = [
    ("garden", 1, "Que reçoivent les membres en échange de la cotisation annuelle ?", ["Un salaire", "Une parcelle, de l'eau et des outils", "Des légumes gratuits", "Un certificat"], "2"),
    ("garden", 2, "Quel sujet abordent les ateliers ?", ["La mécanique", "La conservation des semences", "La peinture", "La pêche"], "2"),
    ("train", 1, "Quand le train de nuit arrive-t-il sur la côte ?", ["À dix heures du soir", "À minuit", "À sept heures du matin", "À midi"], "3"),
    ("train", 2, "Combien de lits compte une cabine ?", ["Deux", "Trois", "Quatre", "Six"], "3"),
    ("museum", 1, "Quel jour le musée est-il gratuit ?", ["Chaque samedi", "Le premier dimanche du mois", "Chaque lundi", "Le dernier vendredi du mois"], "2"),
    ("museum", 2, "Combien paie un étudiant un jour normal ?", ["Rien", "Quatre euros", "Huit euros", "Douze euros"], "2"),
]

CHINESE = [
    ("garden", 1, "会员交年费后得到什么？", ["工资", "一块地、水和工具", "免费蔬菜", "证书"], "2"),
    ("train", 1, "夜车几点到达海边？", ["晚上十点", "午夜", "早上七点", "中午"], "3"),
    ("train", 2, "每个卧铺包厢有几张床？", ["两张", "三张", "四张", "六张"], "3"),
    ("museum", 1, "博物馆哪天免费？", ["每周六", "每月第一个星期日", "每周一", "每月最后一个星期五"], "2"),
    ("museum", 3, "导览多久开始一次？", ["每小时", "每天两次", "每周一次", "只在周日"], "1"),
]

LANGUAGES = ("eng_Latn", "fra_Latn", "zho_Hans")


def write(root: Path) -> None:
    repo = root / "facebook" / "belebele"
    write_jsonl(english(), repo / "data" / "eng_Latn.jsonl")
    write_jsonl([item("fra_Latn", *r) for r in FRENCH], repo / "data" / "fra_Latn.jsonl")
    write_jsonl([item("zho_Hans", *r) for r in CHINESE], repo / "data" / "zho_Hans.jsonl")
    write_readme(repo, [{"config_name": "default", "data_files": [{"split": lang, "path": f"data/{lang}.jsonl"} for lang in LANGUAGES]}], "belebele")
