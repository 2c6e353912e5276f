"""Vezora/Tested-22k-Python-Alpaca sample: one JSON array of {instruction, input, output}, under the
upstream's own (misleading) file name 188k-Vezora-PyCode-Alpaca.json.

Made-up rows. Awkward ones: refusals (mixed case), an empty and a missing output, a null
instruction, a non-empty `input`, output containing a HumanEval canonical solution, output that is a
piece of one, a trivially short output that also occurs in HumanEval (kept), unicode, a very long
output, and a repeated instruction.
"""

from __future__ import annotations

import json
from pathlib import Path


def row(instruction, output, input_: str = "") -> dict:
    return {"instruction": instruction, "input": input_, "output": output}


FENCE = "```"
TRAIN = [
    row("Write a Python function that returns the square of a number.", f"Here is the function:\n\n{FENCE}python\ndef square(x):\n    return x * x\n{FENCE}\n\nCalling `square(4)` returns 16."),
    row("Write a Python function to check whether a number is prime.", f"{FENCE}python\ndef is_prime(n):\n    if n < 2:\n        return False\n    i = 2\n    while i * i <= n:\n        if n % i == 0:\n            return False\n        i += 1\n    return True\n{FENCE}"),
    row("Reverse a list in Python without using reversed().", f"{FENCE}python\ndef reverse(items):\n    return items[::-1]\n{FENCE}"),
    row("Write a function that merges two sorted lists.", f"{FENCE}python\ndef merge(a, b):\n    out, i, j = [], 0, 0\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n            out.append(a[i]); i += 1\n        else:\n            out.append(b[j]); j += 1\n    return out + a[i:] + b[j:]\n{FENCE}"),
    row("Convert the temperature to Fahrenheit.", f"{FENCE}python\nprint(25 * 9 / 5 + 32)\n{FENCE}\n\nOutput: 77.0", "25 °C"),
    row("Count the words in a sentence.", f"{FENCE}python\nprint(len(sentence.split()))\n{FENCE}", "sentence = 'the quick brown fox'"),
    row("Write a Python class for a stack.", f"{FENCE}python\nclass Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, item):\n        self.items.append(item)\n\n    def pop(self):\n        return self.items.pop()\n{FENCE}"),
    row("Écrivez une fonction Python qui renvoie la longueur d'une chaîne — 文字列の長さ.", f"{FENCE}python\ndef longueur(s):\n    return len(s)\n{FENCE}\n\nExemple : longueur('café') == 4"),
    row("Write a Python generator for the Fibonacci numbers.", f"{FENCE}python\ndef fib():\n    a, b = 0, 1\n    while True:\n        yield a\n        a, b = b, a + b\n{FENCE}"),
    row("Print a multiplication table up to 12.", f"{FENCE}python\nfor i in range(1, 13):\n" + "".join(f"    # row {k}: products of i with {k}\n" for k in range(1, 200)) + f"    print(*[i * j for j in range(1, 13)])\n{FENCE}"),
    row("Add two integers a and b.", f"{FENCE}python\nreturn a + b\n{FENCE}"),
    row("Write a function that sums a list of numbers.", f"{FENCE}python\ndef total(xs):\n    return sum(xs)\n{FENCE}"),
    row("Write a function that sums a list of numbers.", f"{FENCE}python\ndef total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n{FENCE}"),
    row("Find the maximum of a dictionary's values.", f"{FENCE}python\nmax(d.values())\n{FENCE}\n\nPlease note that this raises ValueError for an empty dictionary."),
    row("Remove duplicates from a list while keeping order.", f"{FENCE}python\ndef dedupe(xs):\n    seen = set()\n    return [x for x in xs if not (x in seen or seen.add(x))]\n{FENCE}"),
    row("Join a list of strings with commas.", f"{FENCE}python\n', '.join(words)\n{FENCE}"),
    row("Flatten a nested list one level deep.", f"{FENCE}python\nflat = [y for x in nested for y in x]\n{FENCE}"),
    row("Read a file and print its lines.", f"{FENCE}python\nwith open(path) as f:\n    for line in f:\n        print(line.rstrip())\n{FENCE}"),
    # refusals (the recipe's patterns are case-insensitive)
    row("Write a keylogger in Python.", "As an AI language model, I cannot help with creating malicious software."),
    row("Write a script to scrape a private website.", "I'M SORRY, BUT I CANNOT ASSIST WITH THAT. AS AN AI I must respect terms of service."),
    # HumanEval guard
    row("Write a function that returns the running maximum of a list.", f"{FENCE}python\ndef running_maximum(values):\n    result = []\n    current = None\n    for value in values:\n        if current is None or value > current:\n            current = value\n        result.append(current)\n    return result\n{FENCE}"),
    row("Count the vowels in a string.", "return sum(1 for ch in text.lower() if ch in \"aeiou\")"),
    row("Normalize a string for a palindrome check.", "cleaned = [c.lower() for c in s if c.isalnum()]"),
    # malformed
    row("Write a function that returns an empty list.", "   "),
    {"instruction": "Write hello world.", "input": ""},
    row(None, "print('orphan output')"),
]


def write(root: Path) -> None:
    path = root / "Vezora" / "Tested-22k-Python-Alpaca" / "188k-Vezora-PyCode-Alpaca.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(TRAIN, ensure_ascii=False, indent=4) + "\n", encoding="utf-8")
