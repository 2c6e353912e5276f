"""toxic (unalignment/toxic-dpo-v0.1, train) — CONTENT WARNING: harmful requests whose chosen answer
complies and whose rejected answer refuses → DPO pairs (no system prompt).

Off in the shipped recipe (`enabled: false`); a recipe must opt in. Identical pairs are dropped;
no refusal filter (the rejected side is the refusal). DPO-only, exempt from cross-source dedup.
"""

from __future__ import annotations

from bagel_data.sources.base import Converted, SourceContext
from bagel_data.sources.pairs import convert_flat_pairs


def convert(ctx: SourceContext) -> Converted:
    return convert_flat_pairs(ctx, prompt="prompt")
