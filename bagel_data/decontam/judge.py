"""Optional judge for borderline decontamination pairs: an OpenAI-compatible chat-completions
endpoint named in the recipe decides whether a training text is a benchmark item in other words.

    decontamination:
      judge: {enabled: false, endpoint: "http://127.0.0.1:8000/v1", model: "some-model",
              api_key_env: null, timeout_s: 30, max_pairs: 500, workers: 4}

Off by default. Each pair is one request (temperature 0) asking for JSON
`{"contaminated": true|false, "reason": "..."}`; the answer fills the review row's `decision`
("contaminated" | "clean"), `reason` and `judge` (the model). A failed or unreadable answer
leaves `decision` null with the error as `reason`: the pair stays for a person, the run goes on.
Only the standard library is used (urllib), so nothing is installed for a feature that is off.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import polars as pl

SYSTEM = (
    "You check training data for benchmark contamination. You are shown a benchmark test item and a "
    "training text. The training text is contaminated when it poses the same task as the item, so that "
    "a model trained on it would have seen the item's question and answer: a copy, a translation into "
    "other words, a reordering, the item with its options folded into the sentence. It is clean when it "
    "only shares a topic, a template or a passage but asks something else (other numbers, other "
    'propositions, another question). Reply with JSON only: {"contaminated": true or false, "reason": "<one sentence>"}.'
)
MAX_CHARS = 4000  # per text in a prompt


@dataclass(frozen=True)
class JudgeConfig:
    enabled: bool = False
    endpoint: str | None = None  # base URL (".../v1") or the full ".../chat/completions" URL
    model: str | None = None
    api_key_env: str | None = None  # name of the environment variable holding the key, if any
    timeout_s: float = 30.0
    max_pairs: int = 500  # pairs judged per run (the strongest first); the rest stay undecided
    workers: int = 4

    @classmethod
    def from_section(cls, section: dict[str, Any] | None) -> "JudgeConfig":
        section = dict(section or {})
        base = cls()
        config = cls(
            enabled=bool(section.get("enabled", False)),
            endpoint=section.get("endpoint"),
            model=section.get("model"),
            api_key_env=section.get("api_key_env"),
            timeout_s=float(section.get("timeout_s", base.timeout_s)),
            max_pairs=int(section.get("max_pairs", base.max_pairs)),
            workers=max(1, int(section.get("workers", base.workers))),
        )
        if config.enabled and not (config.endpoint and config.model):
            raise ValueError("decontamination.judge: enabled needs an endpoint and a model")
        return config

    @property
    def url(self) -> str:
        base = str(self.endpoint).rstrip("/")
        return base if base.endswith("/chat/completions") else base + "/chat/completions"


def _prompt(benchmark: str, item: str, train: str) -> str:
    return f"Benchmark ({benchmark}) test item:\n<<<\n{item[:MAX_CHARS]}\n>>>\n\nTraining text:\n<<<\n{train[:MAX_CHARS]}\n>>>"


def parse_verdict(content: str) -> tuple[str | None, str]:
    """(decision, reason) from a model reply: the first JSON object with a boolean `contaminated`,
    else a leading yes/no; (None, why) when neither is there."""
    for found in re.finditer(r"\{.*?\}", content, flags=re.DOTALL):
        try:
            value = json.loads(found.group(0))
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and isinstance(value.get("contaminated"), bool):
            return ("contaminated" if value["contaminated"] else "clean"), str(value.get("reason") or "")[:500]
    head = content.strip().lower()
    if head.startswith(("yes", "contaminated")):
        return "contaminated", content.strip()[:500]
    if head.startswith(("no", "clean")):
        return "clean", content.strip()[:500]
    return None, f"judge reply not understood: {content.strip()[:200]!r}"


def ask(config: JudgeConfig, benchmark: str, item: str, train: str) -> tuple[str | None, str]:
    """One chat-completions request; (decision, reason). Errors come back as (None, message)."""
    body = {
        "model": config.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": _prompt(benchmark, item, train)}],
    }
    headers = {"Content-Type": "application/json"}
    key = os.environ.get(config.api_key_env) if config.api_key_env else None
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(config.url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_s) as response:
            reply = json.loads(response.read().decode("utf-8"))
        content = reply["choices"][0]["message"]["content"]
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return None, f"judge error: {type(exc).__name__}: {exc}"[:500]
    return parse_verdict(str(content))


def judge_review(review: pl.DataFrame, config: JudgeConfig) -> pl.DataFrame:
    """`review` (REVIEW columns) with decision/reason/judge filled for up to `max_pairs` undecided
    pairs, strongest score first; the others unchanged. No requests when the judge is off."""
    if not config.enabled or review.height == 0:
        return review
    indexed = review.with_row_index("_i")
    todo = indexed.filter(pl.col("decision").is_null()).sort(["score", "_i"], descending=[True, False]).head(config.max_pairs)
    args = list(zip(todo["benchmark"].to_list(), todo["benchmark_text"].to_list(), todo["train_text"].to_list()))
    with ThreadPoolExecutor(max_workers=config.workers) as pool:
        verdicts = list(pool.map(lambda a: ask(config, *a), args))
    decided = pl.DataFrame(
        {"_i": todo["_i"], "_decision": [d for d, _ in verdicts], "_reason": [r for _, r in verdicts]},
        schema={"_i": pl.UInt32, "_decision": pl.String, "_reason": pl.String},
    )
    out = indexed.join(decided, on="_i", how="left").with_columns(
        pl.when(pl.col("_i").is_in(decided["_i"].implode())).then(pl.col("_decision")).otherwise(pl.col("decision")).alias("decision"),
        pl.when(pl.col("_i").is_in(decided["_i"].implode())).then(pl.col("_reason")).otherwise(pl.col("reason")).alias("reason"),
        pl.when(pl.col("_i").is_in(decided["_i"].implode())).then(pl.lit(config.model)).otherwise(pl.col("judge")).alias("judge"),
    )
    return out.sort("_i").drop("_i", "_decision", "_reason")
