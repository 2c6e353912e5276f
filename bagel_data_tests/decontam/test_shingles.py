"""Normalization and the rarity-weighted shingle index: rolling hashes, containment of copies,
wrapped copies and shuffled options, little weight for text many items share, and a prefix
filter that loses no pair above the threshold."""

from __future__ import annotations

import numpy as np
import pytest
import polars as pl

from bagel_data.decontam.normalize import normalized, words
from bagel_data.decontam.shingles import ShingleIndex, TokenBatch, word_hashes

PREAMBLE = (
    "For which of these two scenarios does the main character (who uses I/me/my) do something clearly morally wrong, "
    "according to ordinary moral standards in the US as of 2020? "
)
ACTS = ["took the last slice of cake without asking", "lied to my boss about being sick", "painted graffiti on the school wall",
        "read my sister's diary in secret", "returned a lost dog to its owner", "helped my neighbor carry groceries",
        "donated my old winter coats", "watered my grandmother's plants"]
PLACES = ["at midnight", "after the football game", "on a rainy Tuesday", "during the summer holidays"]
SCENARIOS = [f"Scenario 1 | I {a} {p}. Scenario 2 | I {b} {p}." for a in ACTS[:4] for b in ACTS[4:] for p in PLACES[:2]]
OTHER = [
    ["Which gas do green plants absorb from the atmosphere during photosynthesis in bright sunlight?", "oxygen", "carbon dioxide", "nitrogen gas", "helium"],
    ["A ball rolls down a ramp and slows on the carpet at the bottom of the hallway. Which force slows it?", "friction", "magnetism", "gravity", "buoyancy"],
    ["Which tool is best for measuring the mass of a small rock collected on a class field trip?", "a balance", "a ruler", "a thermometer", "a graduated cylinder"],
]


def _words(texts: list[str]) -> pl.Series:
    return pl.DataFrame({"t": texts}).select(words(pl.col("t"))).to_series()


def _segments(items: list[list[str]]) -> pl.DataFrame:
    return pl.DataFrame([{"view": i, "segment": s} for i, segs in enumerate(items) for s in segs])


def _scores(index: ShingleIndex, texts: list[str]) -> dict[int, dict[int, float]]:
    found = index.contained(TokenBatch.from_lists(_words(texts), index.vocabulary))
    out: dict[int, dict[int, float]] = {}
    for row in found.iter_rows(named=True):
        out.setdefault(row["text"], {})[row["view"]] = row["score"]
    return out


def test_normalization_removes_case_punctuation_whitespace_and_label_style():
    texts = ["Which gas do plants absorb?\nA. oxygen\nB. carbon dioxide", "which GAS do plants  absorb\n(A) oxygen (B) carbon-dioxide", None]
    frame = pl.DataFrame({"t": texts}).select(normalized(pl.col("t")).alias("n"))
    assert frame["n"].to_list() == ["which gas do plants absorb a oxygen b carbon dioxide"] * 2 + [""]
    assert _words(["Ｆｕｌｌ-width ﬁsh_and chips, café"]).to_list() == [["full", "width", "fish", "and", "chips", "café"]]


def test_rolling_hashes_match_direct_sums_and_stay_inside_each_text():
    batch = TokenBatch.from_lists(_words(["a b c d e", "f g", "h i j k"]))
    texts, grams = batch.kgrams(3)
    assert texts.tolist() == [0, 0, 0, 2, 2]  # "f g" is shorter than 3 and no run straddles two texts
    again = TokenBatch.from_lists(_words(["b c d"]))
    assert again.kgrams(3)[1][0] == grams[1]  # same words, same hash, wherever they sit
    assert len(set(grams.tolist())) == 5
    assert word_hashes(["x", "y"]).dtype == np.uint64 and (word_hashes(["x"]) != 0).all()


def test_copies_wrapped_and_shuffled_options_are_contained():
    index = ShingleIndex.build(_segments(OTHER), n=8, threshold=0.5, min_tokens=3)
    q, *choices = OTHER[1]
    texts = [
        q + "\nA. " + "\nB. ".join(choices),  # copy
        "Answer this question, think step by step.\n\n" + q.upper() + " (A) " + " (B) ".join(choices) + "\nThanks!",  # wrapped, reformatted
        q + "\nA. " + "\nB. ".join(reversed(choices)),  # options shuffled
        "A ball rolls down a hill and speeds up. Which force makes it faster?",  # same topic, not a copy
    ]
    scores = _scores(index, texts)
    assert scores[0] == {1: 1.0} and scores[1] == {1: 1.0} and scores[2] == {1: 1.0}
    assert 3 not in scores


def test_shared_boilerplate_weighs_little():
    """32 items share a long preamble: a text with the preamble but new scenarios is not contained,
    one with an item's own scenarios is; past max_df the preamble counts nothing at all."""
    items = [[PREAMBLE + s, "Wrong, Wrong", "Wrong, Not wrong", "Not wrong, Wrong", "Not wrong, Not wrong"] for s in SCENARIOS] + [[o[0]] for o in OTHER]
    fresh = PREAMBLE + "Scenario 1 | I fed the stray cat in the alley behind my house. Scenario 2 | I kept the extra change the cashier gave me."
    own = PREAMBLE + SCENARIOS[5] + "\nA. Wrong, Wrong\nB. Wrong, Not wrong\nC. Not wrong, Wrong\nD. Not wrong, Not wrong"
    pairs = pl.DataFrame({"text": [0] * len(SCENARIOS) + [1] * len(SCENARIOS), "view": list(range(len(SCENARIOS))) * 2})
    for max_df, fresh_limit in ((1.0, 0.2), (0.3, 0.0)):
        index = ShingleIndex.build(_segments(items), n=6, threshold=0.5, min_tokens=3, max_df=max_df)
        full = index.score_pairs(pairs, index.hits(TokenBatch.from_lists(_words([fresh, own]), index.vocabulary)))
        fresh_best = full.filter(pl.col("text") == 0)["score"].max()
        own_scores = dict(full.filter(pl.col("text") == 1).select("view", "score").iter_rows())
        assert fresh_best <= fresh_limit, f"max_df {max_df}: the shared preamble alone scored {fresh_best}"
        assert own_scores[5] == 1.0
        assert max(v for k, v in own_scores.items() if k != 5) < 0.7  # twins sharing one scenario and the place


def test_prefix_filter_finds_every_pair_brute_force_finds():
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(60)]
    items = [[" ".join(rng.choice(vocab, size=rng.integers(4, 20)))] for _ in range(80)]
    texts = []
    for _ in range(150):  # noise around a damaged copy of a random item: scores spread across the threshold
        item = items[rng.integers(len(items))][0].split()
        kept = [w for w in item if rng.random() > 0.15]
        texts.append(" ".join([*rng.choice(vocab, size=rng.integers(0, 10)), *kept, *rng.choice(vocab, size=rng.integers(0, 10))]))
    for n in (1, 3):
        index = ShingleIndex.build(_segments(items), n=n, threshold=0.6, min_tokens=2, rare_df=1.0)  # a 60-word language: no floor
        batch = TokenBatch.from_lists(_words(texts), index.vocabulary)
        hits = index.hits(batch)
        every = pl.DataFrame({"text": np.repeat(np.arange(len(texts)), len(items)), "view": np.tile(np.arange(len(items)), len(texts))})
        brute = index.score_pairs(every, hits).filter(pl.col("score") >= 0.6).sort(["text", "view"])
        fast = index.contained(batch, hits)
        assert 0 < brute.height < every.height / 10
        assert fast.select("text", "view").equals(brute.select("text", "view"))


def test_anchor_keeps_single_answer_options_from_matching_an_item():
    items = [
        ("Which is an example of condensation?", [
            "water boiling in a copper pot on the kitchen stove",
            "moisture forming on the bathroom mirror after a hot shower",
            "salt being removed from sea water in a desalination plant",
        ]),
        ("Sound travels fastest through which medium when all of them are at the same temperature in the lab?",
         ["solid steel rails", "the still air outside", "fresh lake water"]),
    ]
    segments = pl.DataFrame([{"view": v, "segment": s, "position": i} for v, (q, opts) in enumerate(items) for i, s in enumerate([q, *opts])])
    build = dict(n=8, threshold=0.25, min_tokens=3, rare_df=1.0)
    loose = ShingleIndex.build(segments, **build)
    anchored = ShingleIndex.build(segments, anchor=True, **build)
    no_question = ShingleIndex.build(segments.filter(pl.col("position") > 0), anchor=True, **build)  # as if the stems were too generic
    texts = [
        "I watched water boiling in a copper pot on the kitchen stove this morning.",  # one option of item 0
        "Sound travels fastest through which medium when all of them are at the same temperature in the lab? Explain.",
        "Is it solid steel rails or the still air outside?",  # two options of item 1, no stem
    ]
    assert set(_scores(loose, texts)) == {0, 1}
    assert set(_scores(anchored, texts)) == {1}  # items with an indexed stem match only through it
    assert _scores(no_question, texts) == {2: {1: pytest.approx(2 / 3)}}  # without one, two options are needed
