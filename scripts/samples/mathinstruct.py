"""TIGER-Lab/MathInstruct sample: the repo's single MathInstruct.json, a JSON array of
{source, output, instruction} records; `source` names the sub-dataset file (data/CoT/..., data/PoT/...).

Awkward rows: program-of-thought answers (Python code), LaTeX, unicode, a long instruction, a
duplicate, and malformed ones (empty output, missing instruction, null source).
"""

from __future__ import annotations

import json
from pathlib import Path

GSM = "data/CoT/gsm_rft.json"
AQUA = "data/CoT/aqua_rat.json"
MATH = "data/CoT/math50k_camel.json"
POT = "data/PoT/mathqa.json"


def m(source: str | None, instruction: str | None, output: str | None) -> dict:
    row = {"source": source, "output": output, "instruction": instruction}
    if instruction is None:
        del row["instruction"]
    return row


ROWS = [
    m(GSM, "Tom has 3 boxes with 12 pencils each. He gives away 10 pencils. How many are left?", "Tom has 3 * 12 = 36 pencils.\nAfter giving away 10 he has 36 - 10 = 26.\nThe answer is 26"),
    m(GSM, "A bakery sells 40 muffins a day at $2 each. How much does it earn in a week?", "Per day: 40 * 2 = $80.\nPer week: 80 * 7 = $560.\nThe answer is 560"),
    m(GSM, "Sara reads 15 pages a day. How many days does a 300-page book take?", "300 / 15 = 20 days.\nThe answer is 20"),
    m(GSM, "Tom has 3 boxes with 12 pencils each. He gives away 10 pencils. How many are left?", "Tom has 3 * 12 = 36 pencils.\nAfter giving away 10 he has 36 - 10 = 26.\nThe answer is 26"),
    m(AQUA, "A train covers 120 km in 2 hours. What is its speed?\nAnswer Choices: (A) 40 km/h (B) 50 km/h (C) 60 km/h (D) 70 km/h (E) 80 km/h", "Speed = 120 / 2 = 60 km/h.\nThe answer is C"),
    m(AQUA, "If 5x = 35, what is x?\nAnswer Choices: (A) 5 (B) 6 (C) 7 (D) 8 (E) 9", "x = 35 / 5 = 7.\nThe answer is C"),
    m(AQUA, "What is 15% of 200?\nAnswer Choices: (A) 15 (B) 20 (C) 25 (D) 30 (E) 35", "0.15 * 200 = 30.\nThe answer is D"),
    m(MATH, "Solve for $x$: $x^2 - 5x + 6 = 0$.", "Factor: $(x-2)(x-3)=0$, so $x = 2$ or $x = 3$."),
    m(MATH, "Find the derivative of $f(x) = 3x^3 + 2x$.", "$f'(x) = 9x^2 + 2$."),
    m(MATH, "What is the area of a circle with radius 4? Use π ≈ 3.14.", "A = π r² ≈ 3.14 × 16 = 50.24."),
    m(MATH, "Let G be a group of order 7. Prove that G is cyclic.", "7 is prime, so by Lagrange's theorem every non-identity element has order 7 and generates G. Hence G is cyclic."),
    m(POT, "a shopkeeper sells an item for 240 at a profit of 20 % . find the cost price .", "n0 = 240.0\nn1 = 20.0\nt0 = n1 / 100.0\nt1 = t0 + 1.0\nanswer = n0 / t1\nprint(answer)"),
    m(POT, "the sum of two numbers is 50 and their difference is 10 . find the larger number .", "n0 = 50.0\nn1 = 10.0\nt0 = n0 + n1\nanswer = t0 / 2.0\nprint(answer)"),
    m(POT, "what is 12 % of 250 ?", "n0 = 12.0\nn1 = 250.0\nanswer = n0 * n1 / 100.0\nprint(answer)"),
    m(GSM, "A farmer has " + "many fields, each with rows of apple trees, and " * 20 + "10 trees per row in 5 rows. How many trees?", "10 * 5 = 50.\nThe answer is 50"),
    m(AQUA, "A car travels 60 km at 30 km/h. How long does it take?\nAnswer Choices: (A) 1 h (B) 2 h (C) 3 h (D) 4 h (E) 5 h", "60 / 30 = 2 hours.\nThe answer is B"),
    m(MATH, "Compute $\\sum_{k=1}^{10} k$.", "$\\frac{10 \\cdot 11}{2} = 55$."),
    m(GSM, "Lena buys 4 notebooks at $3 each and a pen for $2. What does she spend?", "4 * 3 + 2 = $14.\nThe answer is 14"),
    # malformed
    m(GSM, "How many legs do 3 spiders have?", ""),
    m(AQUA, None, "The answer is A"),
    m(None, "What is 2 + 2?", "4"),
]


def write(root: Path) -> None:
    path = root / "TIGER-Lab" / "MathInstruct" / "MathInstruct.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ROWS, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
