"""truthy (jondurbin/truthy-dpo-v0.1, train): truthfulness and "am I an AI" style prompts with a
system prompt, a truthful/in-character chosen answer and a rejected one → DPO pairs.

Identical pairs are dropped. DPO-only, exempt from cross-source dedup.
"""

from __future__ import annotations

from bagel_data.sources.base import Converted, SourceContext
from bagel_data.sources.pairs import convert_flat_pairs


def convert(ctx: SourceContext) -> Converted:
    return convert_flat_pairs(ctx, prompt="prompt", system="system")
