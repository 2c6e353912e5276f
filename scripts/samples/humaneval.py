"""openai/openai_humaneval sample: the test split parquet in the hub layout, made-up items.

Canonical solutions here are what the code sources' samples test the HumanEval guard against:
two long ones are embedded in (or contain) sample rows of apps, python_alpaca and rosetta_code,
and `add_sample` is deliberately trivial (below the guard's minimum length).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

SCHEMA = pa.schema([(name, pa.string()) for name in ("task_id", "prompt", "canonical_solution", "test", "entry_point")])


def item(n: int, entry: str, signature: str, doc: str, solution: str, test: str) -> dict:
    prompt = f'\n\ndef {signature}:\n    """ {doc}\n    """\n'
    return {"task_id": f"HumanEval/{n}", "prompt": prompt, "canonical_solution": solution, "test": test, "entry_point": entry}


TEST = [
    item(
        0,
        "running_maximum_sample",
        "running_maximum_sample(values: list) -> list",
        "Return the running maximum of a list.\n    >>> running_maximum_sample([1, 3, 2])\n    [1, 3, 3]",
        "    result = []\n    current = None\n    for value in values:\n        if current is None or value > current:\n"
        "            current = value\n        result.append(current)\n    return result\n",
        "\n\ndef check(candidate):\n    assert candidate([1, 3, 2]) == [1, 3, 3]\n    assert candidate([]) == []\n",
    ),
    item(
        1,
        "count_vowels_sample",
        "count_vowels_sample(text: str) -> int",
        "Count the vowels in a text.\n    >>> count_vowels_sample('Banana')\n    3",
        '    return sum(1 for ch in text.lower() if ch in "aeiou")\n',
        "\n\ndef check(candidate):\n    assert candidate('Banana') == 3\n    assert candidate('xyz') == 0\n",
    ),
    item(
        2,
        "add_sample",
        "add_sample(a: int, b: int) -> int",
        "Add two numbers.\n    >>> add_sample(2, 3)\n    5",
        "    return a + b\n",
        "\n\ndef check(candidate):\n    assert candidate(2, 3) == 5\n",
    ),
    item(
        3,
        "is_palindrome_sample",
        "is_palindrome_sample(s: str) -> bool",
        "Is s a palindrome, ignoring case and punctuation?\n    >>> is_palindrome_sample('A man, a plan, a canal: Panama')\n    True",
        "    cleaned = [c.lower() for c in s if c.isalnum()]\n    return cleaned == cleaned[::-1]\n",
        "\n\ndef check(candidate):\n    assert candidate('Abba')\n    assert not candidate('abc')\n",
    ),
    item(
        4,
        "digit_sum_sample",
        "digit_sum_sample(n: int) -> int",
        "Sum of the decimal digits of |n|.\n    >>> digit_sum_sample(-123)\n    6",
        "    total = 0\n    n = abs(n)\n    while n:\n        total += n % 10\n        n //= 10\n    return total\n",
        "\n\ndef check(candidate):\n    assert candidate(-123) == 6\n    assert candidate(0) == 0\n",
    ),
]


def write(root: Path) -> None:
    repo = root / "openai" / "openai_humaneval"
    write_parquet(TEST, repo / "openai_humaneval" / "test-00000-of-00001.parquet", SCHEMA)
    write_readme(
        repo,
        [{"config_name": "openai_humaneval", "data_files": [{"split": "test", "path": "openai_humaneval/test-*"}]}],
        "openai_humaneval",
    )
