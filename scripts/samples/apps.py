"""codeparrot/apps sample, laid out as the repo's parquet conversion (refs/convert/parquet): config
"all" at all/train/0000.parquet, and config "introductory" (its introductory rows) beside it. The
repo's main branch is a loading script over train.jsonl, which datasets 5 no longer runs.

Rows are made up in the real field layout (problem_id int, solutions and input_output JSON strings).
Awkward rows: no solutions ("" as upstream, and "[]"), a Python-repr list that is not JSON, an
empty question, an empty first solution, a solution embedding a HumanEval canonical solution,
unicode, a very long statement, a repeated statement, and blank lines around the code.
"""

from __future__ import annotations

import json
from pathlib import Path

from samples._util import write_parquet

IO = json.dumps({"inputs": ["3\n1 2 3\n"], "outputs": ["6\n"]})


def problem(pid: int, question: str, solutions, difficulty: str = "introductory", starter: str = "") -> dict:
    encoded = solutions if isinstance(solutions, str) else json.dumps(solutions)
    return {
        "problem_id": pid,
        "question": question,
        "solutions": encoded,
        "input_output": IO,
        "difficulty": difficulty,
        "url": f"https://codeforces.com/problemset/problem/{1000 + pid}/A",
        "starter_code": starter,
    }


STATEMENT = "-----Input-----\n\nThe first line contains an integer n.\n\n-----Output-----\n\nPrint the answer."
TRAIN = [
    problem(0, "Given n integers, print their sum.\n\n" + STATEMENT, ["n = int(input())\nprint(sum(map(int, input().split())))\n", "import sys\nprint(sum(map(int, sys.stdin.read().split()[1:])))\n"]),
    problem(1, "Print the largest of n integers.\n\n" + STATEMENT, ["input()\nprint(max(map(int, input().split())))\n"], "interview"),
    problem(2, "Count how many of the n integers are even.\n\n" + STATEMENT, ["input()\nprint(sum(1 for x in input().split() if int(x) % 2 == 0))\n"]),
    problem(3, "Reverse the given string s.\n\n-----Input-----\n\nOne line with s.", ["print(input()[::-1])\n"]),
    problem(4, "Vasya has n candies and wants to split them between two friends so the difference is minimal. Print the difference.", ["n = int(input())\nprint(n % 2)\n"], "interview"),
    problem(5, "Print YES if the word is a palindrome, otherwise NO.", ["s = input()\nprint('YES' if s == s[::-1] else 'NO')\n"]),
    problem(6, "Compute n! modulo 10^9+7.", ["n = int(input())\nr = 1\nfor i in range(2, n + 1):\n    r = r * i % (10**9 + 7)\nprint(r)\n"], "competition"),
    problem(7, "Given a grid of n rows, count the cells containing '#'.", ["n = int(input())\nprint(sum(input().count('#') for _ in range(n)))\n"]),
    problem(8, "Петя любит числа. Выведите сумму цифр числа n. (Petya loves numbers: print the digit sum of n.) — 数字之和", ["print(sum(int(c) for c in input().strip()))\n"]),
    problem(9, "Find the minimum number of coins (1, 5, 10) that make n.", ["n = int(input())\nc = n // 10\nn %= 10\nc += n // 5\nn %= 5\nprint(c + n)\n"], "interview"),
    problem(10, "Print the running maximum of the sequence.", ["def running_maximum(values):\n    result = []\n    current = None\n    for value in values:\n        if current is None or value > current:\n            current = value\n        result.append(current)\n    return result\n\ninput()\nprint(*running_maximum(list(map(int, input().split()))))\n"]),
    problem(11, "A very long statement. " + "The kingdom has many roads and every road has a toll; " * 60 + "print the cheapest toll.", ["input()\nprint(min(map(int, input().split())))\n"], "competition"),
    problem(12, "Given n integers, print their sum.\n\n" + STATEMENT, ["print(sum(map(int, open(0).read().split()[1:])))\n"]),
    problem(13, "Print the number of distinct letters in s.", ["\n\n\nprint(len(set(input())))\n   \n"]),
    problem(14, "Print the product of a and b.", ["a, b = map(int, input().split())\nprint(a * b)\n"], starter=""),
    problem(15, "Return the number of vowels in the word.", ["def solve(word):\n    return sum(w in 'aeiou' for w in word.lower())\n"], "introductory", "def solve(word):\n\t"),
    problem(16, "Check whether a year is a leap year.", ["y = int(input())\nprint('YES' if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 'NO')\n"]),
    problem(17, "Sort the n numbers and print them.", ["input()\nprint(*sorted(map(int, input().split())))\n"]),
    problem(18, "Print the greatest common divisor of a and b.", ["import math\na, b = map(int, input().split())\nprint(math.gcd(a, b))\n"]),
    problem(19, "Print 'Hello, World!'.", ["print('Hello, World!')\n"]),
    # malformed
    problem(20, "Find the k-th prime number.", ""),
    problem(21, "Compute the area of a triangle.", []),
    problem(22, "Print the binary representation of n.", "['print(bin(int(input()))[2:])']"),
    problem(23, "   ", ["print(1)\n"]),
    problem(24, "Print nothing at all.", ["", "pass\n"]),
]


def write(root: Path) -> None:
    repo = root / "codeparrot" / "apps"
    write_parquet(TRAIN, repo / "all" / "train" / "0000.parquet")
    write_parquet([r for r in TRAIN if r["difficulty"] == "introductory"], repo / "introductory" / "train" / "0000.parquet")
