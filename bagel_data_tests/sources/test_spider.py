"""spider: samples convert; the real Spider dev.json laid out as the HF train parquet converts whole."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data_tests.helpers import assistant_text, convert, user_text

PREFIX = "Write a SQL query for the following:\n"
KEY = "spider/train-00000-of-00001.parquet:{}"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("spider", sample_settings)
    rows, rejects = parts["instructions"], parts["rejects"]
    assert rows.height == 19
    assert rejects.select("row_key", "reason").rows() == [
        (KEY.format(20), "malformed: empty query"),
        (KEY.format(21), "malformed: empty question"),
        (KEY.format(13), "filter: duplicate instruction"),
    ]
    padded = rows.filter(pl.col("row_key") == KEY.format(11))
    # as the original: question and query unchanged (surrounding spaces kept)
    assert user_text(padded) == PREFIX + "   Show the names of museums opened before 2009.   "
    assert assistant_text(padded).strip() == "SELECT name FROM museum WHERE open_year < 2009" and assistant_text(padded) != assistant_text(padded).strip()
    assert padded["category"][0] == "museum_visit"


def test_real_spider_dev_as_train(realdata, mirror, mirror_settings):
    """The Spider release has an extra parsed `sql` tree; HF keeps the other six fields."""
    items = json.loads((realdata / "spider" / "dev.json").read_text(encoding="utf-8"))
    hf = [{k: v for k, v in item.items() if k != "sql"} for item in items]
    target = mirror / "xlangai" / "spider" / "spider" / "train-00000-of-00001.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hf), target)
    parts = convert("spider", mirror_settings)
    rows = parts["instructions"]
    assert len(items) == 1034 and rows.height == 1034 and parts["rejects"].height == 0
    first = rows.filter(pl.col("row_key") == KEY.format(0))
    assert user_text(first) == PREFIX + "How many singers do we have?"
    assert assistant_text(first) == "SELECT count(*) FROM singer"
    last = rows.filter(pl.col("row_key") == KEY.format(1033))
    assert user_text(last) == PREFIX + items[-1]["question"].strip() and assistant_text(last) == items[-1]["query"].strip()
    assert rows["category"].n_unique() == len({i["db_id"] for i in items})
