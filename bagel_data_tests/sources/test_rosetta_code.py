"""rosetta_code: samples convert; the real RosettaCodeData task (4 Python solutions) via a mirror."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bagel_data_tests.helpers import assistant_text, convert, user_text
from bagel_data_tests.sources.test_guards import layout_real_humaneval

KEY = "data/train-00000-of-00001-8b4da49264116bbf.parquet:{}"


def test_samples_counts_and_reasons(sample_settings):
    parts = convert("rosetta_code", sample_settings)
    rows, rejects = parts["instructions"], parts["rejects"]
    assert rows.height == 17
    assert rejects.sort("reason", "row_key").select("row_key", "reason").rows() == [
        (KEY.format(1), "filter: duplicate instruction"),
        (KEY.format(11), "filter: duplicate instruction"),
        (KEY.format(7), "filter: humaneval solution"),
        (KEY.format(20), "malformed: empty code"),
        (KEY.format(21), "malformed: no language"),
    ]
    assert rows["category"].value_counts().filter(pl.col("category") == "Python")["count"][0] == 5


def test_prompt_and_code_are_exact(sample_settings):
    rows = convert("rosetta_code", sample_settings)["instructions"]
    apl = rows.filter(pl.col("row_key") == KEY.format(3))
    assert user_text(apl) == "Create a solution in APL to the following:\nCompute the nth partial sum of the series 1/k^2 for n = 1000.\nShow the result."
    assert assistant_text(apl) == "+/÷2*⍨⍳1000\n", "the code as upstream gives it (trailing newline kept, as the original)"
    cobol = rows.filter(pl.col("category") == "COBOL")
    assert assistant_text(cobol).startswith("       IDENTIFICATION DIVISION."), "leading indentation of code is kept"


def test_real_rosetta_task_through_mirror(realdata, mirror, mirror_settings):
    """RosettaCodeData keeps the task as MediaWiki markup in 00-TASK.txt and one file per solution;
    HF cakiki/rosetta-code has one row per solution (its descriptions are rendered text)."""
    task = realdata / "rosetta_code" / "Task" / "100-doors"
    url = next(l.split(": ", 1)[1] for l in (task / "00-META.yaml").read_text().splitlines() if l.startswith("from:"))
    description = (task / "00-TASK.txt").read_text(encoding="utf-8")
    files = sorted((task / "Python").glob("*.py"))
    hf = [
        {"task_url": url, "task_name": "100 doors", "task_description": description, "language_url": "#Python", "language_name": "Python", "code": f.read_text(encoding="utf-8")}
        for f in files
    ]
    target = mirror / "cakiki" / "rosetta-code" / "data" / "train-00000-of-00001.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(hf), target)
    layout_real_humaneval(realdata, mirror)
    parts = convert("rosetta_code", mirror_settings)
    rows, rejects = parts["instructions"], parts["rejects"]
    assert len(files) == 4 and rows.height == 1
    assert rejects["reason"].to_list() == ["filter: duplicate instruction"] * 3
    # as the original: "\n".join([f"Create a solution in {language_name} to the following:", task_description]), code unchanged
    assert user_text(rows) == "\n".join(["Create a solution in Python to the following:", description]) and description.endswith("\n\n\n")
    code = files[0].read_text(encoding="utf-8")
    assert assistant_text(rows) == code and code.endswith("\n")
    assert rows["row_key"][0] == "data/train-00000-of-00001.parquet:0" and url == "http://rosettacode.org/wiki/100_doors"
