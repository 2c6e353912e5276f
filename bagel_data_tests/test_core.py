"""Ids, coins, schema conformance, recipe parsing and atomic writes."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bagel_data import ids, schema, storage
from bagel_data.recipe import RecipeError, load_recipe


def test_ids_are_pinned_and_source_independent():
    assert ids.text_id("hello") == "a7b6eda801e5347d"  # pinned: a change here invalidates every cache and dedup
    conv = pl.Series([[{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "A"}], [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "B"}]])
    same = ids.instruction_ids(conv, pl.Series([None, None], dtype=pl.String))
    assert same[0] == same[1], "same instruction (modulo surrounding space), different answers: one id"
    with_system = ids.instruction_ids(conv, pl.Series(["Be nice.", None]))
    assert with_system[0] != with_system[1]


def test_coins_are_uniform_and_seeded():
    keys = [f"k{i}" for i in range(20000)]
    a, b = ids.coins(keys, 1, "x"), ids.coins(keys, 1, "x")
    assert (a == b).all() and 0.49 < a.mean() < 0.51 and a.min() >= 0 and a.max() < 1
    assert not (ids.coins(keys, 2, "x") == a).all() and not (ids.coins(keys, 1, "y") == a).all()
    picks = ids.coin_choice(keys[:3000], 1, "c", ["A", "B", "C"]).value_counts()
    assert picks.height == 3 and all(900 < n < 1100 for n in picks["count"])


def test_coins_of_row_ids_take_the_vectorized_path_and_agree_element_by_element():
    """Row ids (16 hex digits) are mixed in numpy, other strings hashed with blake2b; either way a
    coin depends on its own id alone, not on what else is in the column."""
    row_ids = ids.text_ids(pl.Series([f"text {i}" for i in range(20000)]))
    a = ids.coins(row_ids, 7, "x")
    assert 0.49 < a.mean() < 0.51 and a.min() >= 0 and a.max() < 1
    assert abs(np.corrcoef(a, ids.coins(row_ids, 7, "y"))[0, 1]) < 0.03, "salts give independent coins"
    assert abs(np.corrcoef(a, ids.coins(row_ids, 8, "x"))[0, 1]) < 0.03, "seeds give independent coins"
    mixed = [row_ids[0], "not an id", None, "ABCDEF0123456789", row_ids[1]]
    whole = ids.coins(mixed, 7, "x")
    assert [float(ids.coins([v], 7, "x")[0]) for v in mixed] == whole.tolist()
    assert (ids.coins(pl.Series(mixed), 7, "x") == whole).all(), "a list and a Series give the same coins"
    assert whole[0] == a[0] and whole[4] == a[1]
    assert ids.coins([None], 7, "x")[0] == ids.coins([""], 7, "x")[0], "a missing id counts as the empty string"


def test_conform_reports_missing_columns_and_nulls():
    with pytest.raises(schema.SchemaError, match="missing columns"):
        schema.conform(pa.table({"id": ["a"]}), schema.TEXT)
    bad = pa.table({"id": ["a"], "source": ["s"], "dataset": ["d"], "revision": ["r"], "row_key": ["k"], "text": [None]}, schema=pa.schema([(f.name, pa.string()) for f in schema.TEXT]))
    with pytest.raises(schema.SchemaError, match="'text' has 1 nulls"):
        schema.conform(bad, schema.TEXT)


def test_recipe_cap_rule_and_errors(tmp_path, recipe):
    assert (recipe.default_cap_threshold, recipe.default_cap) == (75_000, 50_000)
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  x:\n    priority: 1\n")
    with pytest.raises(RecipeError, match="sources.x: missing required key 'upstream'"):
        load_recipe(bad)
    with pytest.raises(RecipeError, match="cannot read recipe"):
        load_recipe(tmp_path / "absent.yaml")


def test_atomic_write_leaves_nothing_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out" / "t.parquet"
    storage.write_parquet(pa.table({"a": [1]}), target)

    def boom(table, where, **kw):
        open(where, "wb").write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", boom)
    with pytest.raises(KeyboardInterrupt):
        storage.write_parquet(pa.table({"a": [2]}), target)
    monkeypatch.undo()
    assert pq.read_table(target)["a"].to_pylist() == [1], "old complete file still in place"
    assert [p.name for p in target.parent.iterdir()] == ["t.parquet"], "no temp file left behind"


def test_parquet_bytes_are_deterministic(tmp_path):
    t = pa.table({"a": ["x", "y"], "b": [1, 2]})
    one, two = storage.write_parquet(t, tmp_path / "1.parquet"), storage.write_parquet(t, tmp_path / "2.parquet")
    assert one.read_bytes() == two.read_bytes()


def test_parquet_bytes_do_not_depend_on_how_the_columns_are_chunked(tmp_path):
    """Polars hands over tables chunked by its thread count; the file must not show it (a
    source's rejects were written differently on 1 and 2 threads)."""
    texts = [f"row {i} " + "x" * (i % 97) for i in range(30_000)]
    whole = pa.table({"text": texts, "n": list(range(30_000))})
    pieces = pa.concat_tables([whole.slice(0, 7_001), whole.slice(7_001, 13), whole.slice(7_014)])
    assert pieces.column("text").num_chunks == 3
    one, two = storage.write_parquet(whole, tmp_path / "1.parquet"), storage.write_parquet(pieces, tmp_path / "2.parquet")
    assert one.read_bytes() == two.read_bytes()
