"""cakiki/rosetta-code sample: data/train-00000-of-00001-<hash>.parquet as on the hub (no README
configs there, so the conventional data/train-* layout), fields task_url, task_name,
task_description, language_url, language_name, code.

Made-up task texts and code. Awkward rows: several Python solutions of one task (only the first is
kept), a solution containing a HumanEval canonical solution, empty code, a missing language name,
APL/unicode code, Python 2 syntax, and a very long description.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet

FIELDS = ("task_url", "task_name", "task_description", "language_url", "language_name", "code")
SCHEMA = pa.schema([(f, pa.string()) for f in FIELDS])

TASKS = {
    "Sum of a series": "Compute the nth partial sum of the series 1/k^2 for n = 1000.\nShow the result.",
    "Reverse words": "Reverse the order of the words in a sentence, keeping each word intact.",
    "Digit sum": "Given a non-negative integer, compute the sum of its decimal digits.",
    "Leap year": "Determine whether a given year is a leap year in the Gregorian calendar.",
    "Long task": "Describe and implement a simulation of a queue at a bank. " * 40,
    "Hello world/Text": "Display the string Hello world! on a text console.",
}


def solution(task: str, language: str | None, code: str | None) -> dict:
    slug = task.replace(" ", "_")
    return {
        "task_url": f"http://rosettacode.org/wiki/{slug}",
        "task_name": task,
        "task_description": TASKS[task],
        "language_url": f"#{(language or '').replace(' ', '_')}",
        "language_name": language,
        "code": code,
    }


TRAIN = [
    solution("Sum of a series", "Python", "print(sum(1.0 / (k * k) for k in range(1, 1001)))\n"),
    solution("Sum of a series", "Python", "s = 0.0\nfor k in range(1, 1001):\n    s += 1.0 / k ** 2\nprint(s)\n"),
    solution("Sum of a series", "Go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\ts := 0.0\n\tfor k := 1.0; k <= 1000; k++ {\n\t\ts += 1 / (k * k)\n\t}\n\tfmt.Println(s)\n}\n'),
    solution("Sum of a series", "APL", "+/÷2*⍨⍳1000\n"),
    solution("Reverse words", "Python", "print(' '.join(reversed(input().split())))\n"),
    solution("Reverse words", "Ruby", "puts gets.split.reverse.join(' ')\n"),
    solution("Reverse words", "Julia", 'println(join(reverse(split(readline())), " "))\n'),
    solution("Digit sum", "Python", "def digit_sum(n):\n    total = 0\n    n = abs(n)\n    while n:\n        total += n % 10\n        n //= 10\n    return total\n\nprint(digit_sum(1234))\n"),
    solution("Digit sum", "Haskell", "digitSum :: Integer -> Integer\ndigitSum 0 = 0\ndigitSum n = n `mod` 10 + digitSum (n `div` 10)\n"),
    solution("Digit sum", "C", "#include <stdio.h>\nint main(void) {\n    long n = 1234, s = 0;\n    while (n) { s += n % 10; n /= 10; }\n    printf(\"%ld\\n\", s);\n    return 0;\n}\n"),
    solution("Leap year", "Python", "import calendar\nprint calendar.isleap(2000)\n"),
    solution("Leap year", "Python", "def is_leap(y):\n    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)\n"),
    solution("Leap year", "Rust", "fn is_leap(y: u32) -> bool {\n    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)\n}\n"),
    solution("Leap year", "Kotlin", "fun isLeap(y: Int) = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)\n"),
    solution("Long task", "Python", "import collections\nqueue = collections.deque()\n"),
    solution("Hello world/Text", "Python", "\n\nprint('Hello world!')\n\n"),
    solution("Hello world/Text", "Perl", 'print "Hello world!\\n";\n'),
    solution("Hello world/Text", "COBOL", "       IDENTIFICATION DIVISION.\n       PROGRAM-ID. HELLO.\n       PROCEDURE DIVISION.\n           DISPLAY 'Hello world!'.\n           STOP RUN.\n"),
    solution("Hello world/Text", "Lua", 'print("Hello world!")\n'),
    solution("Hello world/Text", "Brainf***", "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.\n"),
    # malformed
    solution("Reverse words", "Forth", "   \n"),
    solution("Digit sum", None, "say [+] 1234.comb\n"),
]


def write(root: Path) -> None:
    write_parquet(TRAIN, root / "cakiki" / "rosetta-code" / "data" / "train-00000-of-00001-8b4da49264116bbf.parquet", SCHEMA)
