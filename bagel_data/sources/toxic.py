"""toxic (unalignment/toxic-dpo-v0.1, train) — CONTENT WARNING: harmful requests whose chosen answer
complies and whose rejected answer refuses → DPO pairs (no system prompt), and, as the original
bagel code did, each pair's prompt and chosen answer as an SFT row too (option `sft_rows: false`:
pairs only).

Off in the shipped recipe (`enabled: false`); a recipe must opt in. Identical pairs are dropped;
no refusal filter (the rejected side is the refusal); no dedup, as the original (option `dedupe`).
Exempt from cross-source dedup.
"""

from __future__ import annotations

from bagel_data.sources.base import Converted, SourceContext
from bagel_data.sources.pairs import convert_flat_pairs


def convert(ctx: SourceContext) -> Converted:
    return convert_flat_pairs(ctx, prompt="prompt", sft=bool(ctx.options.get("sft_rows", True)))
