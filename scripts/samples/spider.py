"""xlangai/spider sample: spider/{train,validation}-00000-of-00001.parquet as on the hub, fields
db_id, query, question, query_toks, query_toks_no_value, question_toks.

Made-up questions over Spider-like databases. Awkward rows: the same question asked of two
databases (one instruction: the second is a duplicate), an empty query, a blank question,
unicode, a very long query, and surrounding whitespace.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema(
    [
        ("db_id", pa.string()),
        ("query", pa.string()),
        ("question", pa.string()),
        ("query_toks", pa.list_(pa.string())),
        ("query_toks_no_value", pa.list_(pa.string())),
        ("question_toks", pa.list_(pa.string())),
    ]
)


def toks(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text)


def item(db: str, question: str, query: str) -> dict:
    no_value = [("value" if re.fullmatch(r"\d+|'.*'", t) else t.lower()) for t in toks(query)]
    return {"db_id": db, "query": query, "question": question, "query_toks": toks(query), "query_toks_no_value": no_value, "question_toks": toks(question)}


LONG_QUERY = "SELECT name FROM singer WHERE " + " OR ".join(f"age = {a}" for a in range(20, 80)) + " ORDER BY name"
TRAIN = [
    item("concert_singer", "How many singers are there?", "SELECT count(*) FROM singer"),
    item("concert_singer", "List the names of singers older than 40.", "SELECT name FROM singer WHERE age > 40"),
    item("concert_singer", "What is the average age of all singers from France?", "SELECT avg(age) FROM singer WHERE country = 'France'"),
    item("pets_1", "How many pets are owned by students older than 20?", "SELECT count(*) FROM student AS T1 JOIN has_pet AS T2 ON T1.stuid = T2.stuid WHERE T1.age > 20"),
    item("pets_1", "Find the average weight of each pet type.", "SELECT avg(weight), pettype FROM pets GROUP BY pettype"),
    item("car_1", "Which countries make more than 3 car models?", "SELECT T1.countryname FROM countries AS T1 JOIN car_makers AS T2 ON T1.countryid = T2.country GROUP BY T1.countryid HAVING count(*) > 3"),
    item("car_1", "What is the maximum horsepower of cars with 4 cylinders?", "SELECT max(horsepower) FROM cars_data WHERE cylinders = 4"),
    item("flight_2", "Which airlines have flights departing from 'AHD'?", "SELECT T1.airline FROM airlines AS T1 JOIN flights AS T2 ON T1.uid = T2.airline WHERE T2.sourceairport = 'AHD'"),
    item("world_1", "What are the names of countries in Europe with a population above 80 million?", "SELECT name FROM country WHERE continent = 'Europe' AND population > 80000000"),
    item("world_1", "Welche Sprachen werden in der Schweiz gesprochen? (Which languages are spoken in Switzerland — Suisse?)", "SELECT T2.language FROM country AS T1 JOIN countrylanguage AS T2 ON T1.code = T2.countrycode WHERE T1.name = 'Switzerland'"),
    item("orchestra", "How many orchestras were founded after 2000?", "SELECT count(*) FROM orchestra WHERE year_of_founded > 2000"),
    item("museum_visit", "   Show the names of museums opened before 2009.   ", "  SELECT name FROM museum WHERE open_year < 2009  "),
    item("concert_singer", "List the names of singers whose age is one of many values.", LONG_QUERY),
    item("singer", "How many singers are there?", "SELECT count(*) FROM singer"),
    item("tvshow", "What is the title of the cartoon directed by Ben Jones?", "SELECT title FROM cartoon WHERE directed_by = 'Ben Jones'"),
    item("poker_player", "What are the final tables made by poker players?", "SELECT final_table_made FROM poker_player"),
    item("voter_1", "How many states are there?", "SELECT count(*) FROM area_code_state"),
    item("wta_1", "Find the number of players from each country.", "SELECT count(*), country_code FROM players GROUP BY country_code"),
    item("dog_kennels", "What is the name of the oldest dog?", "SELECT name FROM dogs ORDER BY age DESC LIMIT 1"),
    item("network_1", "How many high schoolers are in grade 9?", "SELECT count(*) FROM highschooler WHERE grade = 9"),
    # malformed
    item("network_1", "Who is the friend of Kyle?", ""),
    item("student_transcripts_tracking", "  ", "SELECT count(*) FROM courses"),
]
VALIDATION = [item("concert_singer", "How many concerts are there?", "SELECT count(*) FROM concert")]


def write(root: Path) -> None:
    repo = root / "xlangai" / "spider"
    for split, rows in (("train", TRAIN), ("validation", VALIDATION)):
        write_parquet(rows, repo / "spider" / f"{split}-00000-of-00001.parquet", SCHEMA)
    write_readme(repo, [{"config_name": "spider", "data_files": [{"split": s, "path": f"spider/{s}-*"} for s in ("train", "validation")]}], "spider")
