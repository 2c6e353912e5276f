"""Answer keys on real benchmark items: a GSM8K problem retold with its numbers (spelled or not)
holds its keys, a template twin with other numbers does not; a HumanEval task that names its
function holds that key; items with too few keys have none. Also the rules' benchmark scoping."""

from __future__ import annotations

import polars as pl
import pytest

from bagel_data.decontam.answers import MIN_KEYS, key_batch, key_index, text_keys, view_keys
from bagel_data.decontam.config import DecontamConfig, Rule
from bagel_data_tests.decontam.test_detect_real import views  # noqa: F401 (fixture: every real benchmark's views)


def _item(table, bench, item_id):
    return table.filter(pl.col("benchmark") == bench, pl.col("item_id") == item_id).row(0, named=True)


@pytest.fixture(scope="module")
def keyed(views):  # noqa: F811
    indexed = views.rename({"view": "view_name"}).with_row_index("view").with_columns(pl.col("view").cast(pl.Int64))
    return indexed, key_index(indexed.select("view", "text"), 0.75)


def _share(keyed, bench, item_id, text):
    indexed, index = keyed
    view = indexed.filter(pl.col("benchmark") == bench, pl.col("item_id") == item_id)["view"][0]
    texts = pl.Series([text])
    hits = index.hits(key_batch(texts, index))
    return index.score_pairs(pl.DataFrame({"text": [0], "view": [view]}), hits)["score"][0]


def test_keys_of_real_items(views):  # noqa: F811
    gsm = _item(views, "gsm8k", "main/test-00000-of-00001.parquet:1076")  # Terry: 6 milkshakes at $5.50, nine platters at $11, 20 sodas at $1.50
    assert pl.select(view_keys(pl.lit(gsm["text"]))).item().to_list() == ["11", "150", "20", "550", "6", "9"]
    human = _item(views, "humaneval", "HumanEval/8")
    assert "sumproduct" in pl.select(view_keys(pl.lit(human["text"]))).item().to_list()
    assert set(pl.select(text_keys(pl.lit("Call sum_product on twenty numbers"))).item().to_list()) >= {"sumproduct", "20"}


def test_a_retold_problem_holds_its_keys_and_a_template_twin_does_not(keyed):
    bench, item = "gsm8k", "main/test-00000-of-00001.parquet:1076"
    retold = "At his stand Terry sold twenty sodas at $1.50 apiece, 9 burger platters priced at $11, and six milkshakes that go for $5.50. What were his total earnings?"
    twin = "Terry sells 4 milkshakes for $6 each, 7 burger platters for $12 each and 15 sodas for $2 each. How much money does he make in total?"
    assert _share(keyed, bench, item, retold) == pytest.approx(1.0)
    assert _share(keyed, bench, item, twin) < 0.5
    prose = "Write sum_product(numbers) which returns a tuple of the sum and the product of a list of integers, where an empty list gives a sum of 0 and a product of 1."
    assert _share(keyed, "humaneval", "HumanEval/8", prose) > 0.4


def test_items_with_few_keys_have_none(keyed):
    indexed, index = keyed
    digimon = indexed.filter(pl.col("item_id") == "main/test-00000-of-00001.parquet:1188")  # only 20 and 28
    assert len(pl.select(view_keys(pl.lit(digimon["text"][0]))).item()) < MIN_KEYS
    assert index.view_weight[digimon["view"][0]] == 0
    tqa = indexed.filter(pl.col("benchmark") == "truthfulqa")["view"].to_numpy()
    assert (index.view_weight[tqa] > 0).mean() < 0.05


def test_rules_read_their_scope_from_the_recipe():
    config = DecontamConfig.from_section({"embedding": {"rules": [{"cosine": 0.8, "lexical": 0.3, "benchmarks": ["gsm8k"]}, {"cosine": 0.9, "exclude": "gsm8k", "answer": 0.5}],
                                                        "answer_veto": {"below": 0.5, "benchmarks": ["gsm8k"]}, "question_cosine": 0.7}})
    assert config.rules == (Rule(0.8, 0.3, benchmarks=("gsm8k",)), Rule(0.9, answer=0.5, exclude=("gsm8k",)))
    assert (config.answer_veto, config.veto_benchmarks, config.question_cosine) == (0.5, ("gsm8k",), 0.7)
    assert config.lexical_floor == 0.3 and config.answer_floor == 0.5  # answer rules find candidates through the key index
    with pytest.raises(ValueError, match="unknown keys"):
        DecontamConfig.from_section({"embedding": {"rules": [{"cosine": 0.8, "benchmark": ["gsm8k"]}]}})


def test_key_batch_gives_the_same_keys_as_text_keys(keyed):
    """The prefiltered key batch (identifiers only from texts naming an indexed function) hashes
    to the same known keys as the full `text_keys` of every text."""
    import numpy as np

    from bagel_data.decontam.shingles import TokenBatch

    _indexed, index = keyed
    texts = pl.Series([
        "Call sum_product on twenty numbers", "Write SumProduct([1, 2, 3]) returning 6", "A plain sentence with no keys",
        "Terry buys 6 milkshakes at $5.50 and nine platters at $11", "", None, "def sumProduct(xs): return 3,650",
    ])
    fast = key_batch(texts, index)
    full = TokenBatch.from_lists(texts.to_frame("t").select(text_keys(pl.col("t"))).to_series(), index.vocabulary)
    def per_row(batch):
        ends = np.cumsum(batch.lengths)
        return [sorted(h for h in batch.hashes[e - n:e].tolist() if h) for e, n in zip(ends, batch.lengths)]
    assert per_row(fast) == per_row(full)
    assert any(per_row(fast))
