"""The checks a meaning match must pass (confirm.py), on real benchmark items and real or
hand-written rows: a row listing other options than an MC item's, a template twin with other
numbers and a word-for-word twin at a low cosine fail; copies with shuffled options, problems
retold with their numbers and paraphrases pass. No model: the checks read texts (and the score)."""

from __future__ import annotations

import polars as pl
import pytest

from bagel_data.decontam.confirm import Checks
from bagel_data.decontam.config import DecontamConfig
from bagel_data.recipe import load_recipe
from bagel_data_tests.decontam.real_benchmarks import mmlu_rows
from bagel_data_tests.decontam.test_detect_real import views  # noqa: F401 (fixture: every real benchmark's views)


@pytest.fixture(scope="module")
def indexed(views):  # noqa: F811
    return views.rename({"view": "view_name"}).with_row_index("view").with_columns(pl.col("view").cast(pl.Int64))


@pytest.fixture(scope="module")
def checks(indexed):
    c = DecontamConfig.from_section(load_recipe().decontamination)
    return Checks(indexed, options_found=c.options_found, number_below=c.number_veto, min_numbers=c.min_numbers, aligned=c.aligned, pair_below=c.pair_below)


def _view(indexed, bench, view_name, item_id=None, text_starts=None):
    rows = indexed.filter(pl.col("benchmark") == bench, pl.col("view_name") == view_name)
    rows = rows.filter(pl.col("item_id") == item_id) if item_id else rows.filter(pl.col("text").str.starts_with(text_starts))
    assert rows.height >= 1, (bench, item_id, text_starts)
    return rows.row(0, named=True)


def _failed(check, pairs: list[tuple[str, int, float]]) -> set[int]:
    """Rows (by position) whose (text, view, score) pair fails `check`."""
    texts = pl.Series([t for t, _v, _s in pairs])
    found = pl.DataFrame({"row": list(range(len(pairs))), "view": [v for _t, v, _s in pairs], "score": [s for _t, _v, s in pairs]},
                         schema={"row": pl.Int64, "view": pl.Int64, "score": pl.Float64})
    return set(check(found, texts)["row"].to_list())


def test_rows_listing_other_options_fail_the_item(indexed, checks, realdata):
    energy = _view(indexed, "arc_challenge", "question_choices", "Mercury_SC_400182")  # Which form of energy can travel through a vacuum? thermal / solar / ...
    q, *choices = energy["segments"]
    twin = "Which form of energy cannot travel through a vacuum?\nA. light\nB. sound\nC. radio waves\nD. solar"  # hand-written negative
    shuffled = q + "\n" + "\n".join(f"{'ABCD'[i]}. {c}" for i, c in enumerate(reversed(choices)))
    reworded = shuffled.replace("energy", "power")  # options reworded a little: still found
    prose = "Can chemical, mechanical, solar or thermal energy travel through a vacuum?"  # no option lines: not checked
    russians = next(r for r in mmlu_rows(realdata, "dev") if "Russians" in r["question"])  # real MMLU dev row
    americans = _view(indexed, "mmlu", "question_choices", text_starts="As of 2019, about what percentage of Americans say it is very important to have free media")
    dev = russians["question"] + "\n" + "\n".join(f"{'ABCD'[i]}. {c}" for i, c in enumerate(russians["choices"]))
    for view in ("question_choices", "question_answer", "question"):  # every view of the item
        vid = _view(indexed, "arc_challenge", view, "Mercury_SC_400182")["view"]
        assert _failed(checks.options, [(twin, vid, 0.85), (shuffled, vid, 0.99), (reworded, vid, 0.95), (prose, vid, 0.85)]) == {0}
    assert _failed(checks.options, [(dev, americans["view"], 0.84)]) == {0}, "other percentages as options: another question"


def test_template_twins_with_other_numbers_fail(indexed, checks):
    freight = _view(indexed, "mmlu", "question", text_starts="If a freight train travels at a speed of 20 miles per hour for 6 hours")["view"]
    terry = _view(indexed, "gsm8k", "question", "main/test-00000-of-00001.parquet:1076")["view"]  # 6 milkshakes at $5.50, nine platters at $11, 20 sodas at $1.50
    rows = [
        ("A train travels at 100 miles per hour for 6 hours and then at 30 miles per hour for 1 hour. How far does it travel in total?", freight, 0.82),
        ("A freight train goes 20 miles per hour for six hours. How far does it get?", freight, 0.9),  # same numbers, spelled
        ("How far will a train at 55 miles per hour go?", freight, 0.8),  # one number: too few to judge
        ("At his stand Terry sold twenty sodas at $1.50 apiece, 9 burger platters priced at $11, and six milkshakes that go for $5.50. What were his total earnings?", terry, 0.88),
        ("Terry sells 4 milkshakes for $6 each, 7 burger platters for $12 each and 15 sodas for $2 each. How much money does he make in total?", terry, 0.9),
    ]
    assert _failed(checks.numbers_differ, rows) == {0, 4}


def test_word_for_word_twins_at_a_low_cosine_fail(indexed, checks):
    thomas = _view(indexed, "mt_bench", "turn1", "103")["view"]  # Thomas is very healthy, but he has to go to the hospital every day. ...
    solid = _view(indexed, "arc_challenge", "question_choices", "NYSEDREGENTS_2014_8_38")["view"]  # A substance in the solid phase (state) of matter has
    retold = _view(indexed, "gsm8k", "question", text_starts="Toula went to the bakery and bought various types of pastries.")
    moved = "How much was the total cost? " + retold["text"].rsplit(". ", 1)[0] + "."  # the question moved to the front
    gas = "A substance in the gas phase of matter has\nA. a definite shape and a definite volume\nB. no definite shape and no definite volume\nC. a definite shape but no definite volume\nD. a definite volume but no definite shape"
    rows = [
        ("Thomas is very healthy, but he feels tired every afternoon. What could be the reasons?", thomas, 0.806),  # hand-written negative
        ("Thomas is very healthy, but he feels tired every afternoon. What could be the reasons?", thomas, 0.93),  # the model calls it the same: stands
        ("Thomas is in great health, yet he must visit the hospital every single day. Why might that be?", thomas, 0.869),  # a paraphrase: other words
        (gas, solid, 0.871),
        (moved, retold["view"], 0.85),  # near word for word, its numbers confirm it
    ]
    assert _failed(checks.minimal_pairs, rows) == {0, 3}
