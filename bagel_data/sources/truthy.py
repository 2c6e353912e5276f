"""truthy (jondurbin/truthy-dpo-v0.1, train): truthfulness and "am I an AI" style prompts with a
system prompt, a truthful/in-character chosen answer and a rejected one → DPO pairs.

As the original bagel code: the pair's prompt is the upstream prompt without its system prompt
(option `keep_system: true` keeps it) and pairs are not deduplicated (option `dedupe`). Identical
pairs are dropped. DPO-only, exempt from cross-source dedup.
"""

from __future__ import annotations

from bagel_data.sources.base import Converted, SourceContext
from bagel_data.sources.pairs import convert_flat_pairs


def convert(ctx: SourceContext) -> Converted:
    return convert_flat_pairs(ctx, prompt="prompt", system="system")
