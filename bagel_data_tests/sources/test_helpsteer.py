"""helpsteer: the original bagel code's pairing rule on the samples (first fully correct response
chosen, first other one rejected, a later better fully correct one swapping in), checked against a
plain-Python walk written here; refusals dropped before pairing; every upstream row is paired or
rejected."""

from __future__ import annotations

import gzip
import json

import polars as pl

from bagel_data.settings import PROJECT_ROOT
from bagel_data_tests.helpers import convert

KEY = "train.jsonl.gz:{}"
SAMPLE = PROJECT_ROOT / "data" / "samples" / "nvidia" / "HelpSteer" / "train.jsonl.gz"
FIELDS = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")


def _walk(responses: list[dict]) -> tuple[dict | None, dict | None]:
    """The rule as a loop over one prompt's responses, in upstream order."""
    chosen = rejected = None
    for item in responses:
        if item["correctness"] == 4:
            if chosen is None:
                chosen = item
            elif item["score"] > chosen["score"]:
                chosen, rejected = item, chosen
                break
        elif rejected is None:
            rejected = item
    return chosen, rejected


def _reference_pairs(refused: set[int]) -> list[tuple[int, str, str]]:
    """(line of chosen, chosen, rejected) for the well-formed sample rows not in `refused`."""
    groups: dict[str, list[dict]] = {}
    for line, text in enumerate(gzip.decompress(SAMPLE.read_bytes()).decode().splitlines(), start=1):
        row = json.loads(text)
        if line in refused or not row["prompt"] or not row["response"] or not all(isinstance(row[f], int) for f in FIELDS):
            continue
        groups.setdefault(row["prompt"], []).append({**row, "line": line, "score": sum(row[f] for f in FIELDS)})
    out = []
    for responses in groups.values():
        chosen, rejected = _walk(responses) if len(responses) >= 2 else (None, None)
        if chosen and rejected and chosen["response"] != rejected["response"]:
            out.append((chosen["line"], chosen["response"], rejected["response"]))
    return sorted(out)


def test_pairs_follow_the_original_rule(sample_settings):
    parts = convert("helpsteer", sample_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]
    refused = {int(k.rsplit(":", 1)[1]) for k in rejects.filter(pl.col("reason") == "filter: refusal")["row_key"]}
    assert refused == {9, 31}, "refusals are dropped from every response before pairing"
    ours = sorted((int(k.rsplit(":", 1)[1]), c, r) for k, c, r in pairs.select("row_key", "chosen", "rejected").rows())
    assert ours == _reference_pairs(refused)
    assert [line for line, _, _ in ours] == [1, 13, 17, 22, 28, 30]


def test_swap_and_first_wrong_response(sample_settings):
    pairs = convert("helpsteer", sample_settings)["preferences"]
    by_prompt = {p: (c, r) for p, c, r in pairs.select("prompt", "chosen", "rejected").rows()}
    assert by_prompt["Name a famous painting."] == ("Leonardo da Vinci's Mona Lisa, painted in the early 1500s.", "The Mona Lisa."), "a later, better correct answer swaps in"
    assert by_prompt["Explain what a haiku is."] == ("A haiku is a three-line Japanese poem with five, seven and five syllables.", "A poem."), "the first response not fully correct is rejected, not the worst"
    assert by_prompt["What is 2 + 2?"] == ("4.", "Five."), "a refusal is never the rejected answer"


def test_accounting(sample_settings):
    parts = convert("helpsteer", sample_settings)
    pairs, rejects = parts["preferences"], parts["rejects"]
    assert 2 * pairs.height + rejects.height == 32, "every upstream row is in a pair or in rejects"
    assert dict(zip(*rejects.group_by("reason").len().sort("reason").to_dict().values())) == {
        "filter: fewer than 2 responses": 4,  # a lone response; the refusal's partner; two tea prompts differing in spaces
        "filter: identical pair": 2,
        "filter: no fully correct response": 2,
        "filter: no response to reject": 2,
        "filter: refusal": 2,
        "filter: unpaired response": 5,
        "malformed: correctness not an integer": 1,
        "malformed: empty prompt": 1,
        "malformed: empty response": 1,
    }


def test_chosen_correctness_is_a_recipe_option(sample_settings):
    parts = convert("helpsteer", sample_settings, options={"chosen_correctness": 3, "score_fields": list(FIELDS)})
    assert "What year did the first moon landing happen?" in parts["preferences"]["prompt"].to_list()
