"""Benchmark views: the real test splits (laid out as a hub mirror) and the shipped samples give
the views SOURCES.md lists, with natural ids where the benchmark has them."""

from __future__ import annotations

import polars as pl
import pytest

from bagel_data import schema
from bagel_data.decontam.benchmarks import VIEWS, read_benchmark
from bagel_data_tests.decontam.real_benchmarks import layout_real_benchmarks

EXPECTED_REAL = {  # benchmark: (upstream rows, {view: count})
    "alpaca_eval": (805, {"instruction": 805}),
    "mt_bench": (80, {"turn1": 80}),
    "drop": (2, {"passage_question": 2}),
    "winogrande": (1267, {"sentence": 1267}),
    "mmlu": (14042, {"question": 14042, "question_choices": 14042}),
    "truthfulqa": (817, {"question": 817}),
    "gsm8k": (1319, {"question": 1319}),
    "arc_challenge": (1471, {"question_choices": 1471, "question_answer": 1471, "question": 1471}),
    "humaneval": (164, {"prompt": 164}),
}


@pytest.fixture(scope="module")
def real_views(realdata, tmp_path_factory, recipe):
    from bagel_data.settings import Settings

    mirror = tmp_path_factory.mktemp("bench-mirror")
    layout_real_benchmarks(realdata, mirror)
    settings = Settings(mode="mirror", mirror=mirror, home=mirror / "home")
    return {name: read_benchmark(spec, settings) for name, spec in recipe.benchmarks.items()}


def test_real_benchmarks_give_the_listed_views(real_views):
    assert set(real_views) == set(EXPECTED_REAL)
    for name, (views, rows, files) in real_views.items():
        want_rows, want_views = EXPECTED_REAL[name]
        assert rows == want_rows, name
        assert dict(views.group_by("view").len().iter_rows()) == want_views, name
        assert schema.conform(views, VIEWS).num_rows == views.height and views.columns == VIEWS.names, name
        assert views.select("item_id", "view").is_duplicated().sum() == 0, name


def test_real_view_texts(real_views):
    arc = real_views["arc_challenge"][0]
    item = arc.filter(pl.col("item_id") == "Mercury_7252245")
    texts = dict(item.select("view", "text").iter_rows())
    assert texts["question_choices"] == "Which biomolecule does not have a carbon-nitrogen bond?\nA. protein\nB. peptide\nC. nucleic acid\nD. carbohydrate"
    assert texts["question_answer"] == "Which biomolecule does not have a carbon-nitrogen bond?\ncarbohydrate"
    numeric = arc.filter(pl.col("view") == "question_choices", pl.col("text").str.contains("\n1\\. "))
    assert numeric.height >= 20  # the items labelled 1-4 keep their labels
    mmlu = real_views["mmlu"][0].filter(pl.col("item_id") == "all/test-00000-of-00001.parquet:0")
    assert dict(mmlu.select("view", "segments").iter_rows())["question_choices"] == [
        "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.", "0", "4", "2", "6"
    ]
    drop = real_views["drop"][0]
    assert drop["item_id"].to_list() == ["f37e81fa-ef7b-4583-b671-762fc433faa9", drop["item_id"][1]]
    assert drop["segments"][0][1] == "Who scored the first touchdown of the game?"
    assert real_views["mt_bench"][0]["item_id"][0] == "81" and real_views["humaneval"][0]["item_id"][0] == "HumanEval/0"


def test_every_sample_benchmark_reads(recipe, sample_settings):
    for name, spec in recipe.benchmarks.items():
        views, rows, _files = read_benchmark(spec, sample_settings)
        assert views.height > 0 and rows > 0, f"sample benchmark {name} is empty"
    arc = read_benchmark(recipe.benchmarks["arc_challenge"], sample_settings)[0]
    assert {"Sample_ARC_T01", "Sample_ARC_V01"} <= set(arc["item_id"])  # test and validation both read
