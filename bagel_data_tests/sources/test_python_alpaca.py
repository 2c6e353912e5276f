"""python_alpaca: samples (JSON array) convert; refusals (any case) and malformed rows are set aside;
`input` is ignored as in the original unless the recipe switches it on."""

from __future__ import annotations

import polars as pl

from bagel_data_tests.helpers import assistant_text, convert, user_text

KEY = "188k-Vezora-PyCode-Alpaca.json:{}"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("python_alpaca", sample_settings)
    rows, rejects = parts["instructions"], parts["rejects"]
    assert rows.height == 16
    assert dict(zip(*rejects.group_by("reason").len().sort("reason").to_dict().values())) == {
        "filter: duplicate instruction": 1,
        "filter: humaneval solution": 3,
        "filter: refusal": 3,
        "malformed: empty instruction": 1,
        "malformed: empty output": 2,
    }
    assert sorted(rejects.filter(pl.col("reason") == "filter: refusal")["row_key"]) == [KEY.format(i) for i in (13, 18, 19)]
    assert rows["id"].n_unique() == rows.height and rows["system"].null_count() == rows.height


def test_input_is_ignored_as_the_original_and_exact_rendering(sample_settings):
    rows = convert("python_alpaca", sample_settings)["instructions"]
    fahrenheit = rows.filter(pl.col("row_key") == KEY.format(4))
    assert user_text(fahrenheit) == "Convert the temperature to Fahrenheit.", "the original bagel code never read `input`"
    assert assistant_text(fahrenheit) == "```python\nprint(25 * 9 / 5 + 32)\n```\n\nOutput: 77.0"
    first_sum = rows.filter(pl.col("row_key") == KEY.format(11))
    assert assistant_text(first_sum) == "```python\ndef total(xs):\n    return sum(xs)\n```", "the first of two answers to one instruction is kept"


def test_use_input_switch_appends_the_input(sample_settings):
    rows = convert("python_alpaca", sample_settings, options={"use_input": True})["instructions"]
    assert user_text(rows.filter(pl.col("row_key") == KEY.format(4))) == "Convert the temperature to Fahrenheit.\n25 °C"
    assert user_text(rows.filter(pl.col("row_key") == KEY.format(0))) == "Write a Python function that returns the square of a number.", "a blank input adds nothing"


def test_refusal_filter_is_a_recipe_switch(sample_settings):
    parts = convert("python_alpaca", sample_settings, filters={"humaneval_guard": True})
    assert "filter: refusal" not in parts["rejects"]["reason"].to_list()
    assert parts["instructions"].height == 19
