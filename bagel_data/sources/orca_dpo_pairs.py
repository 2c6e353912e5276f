"""orca_dpo_pairs (Intel/orca_dpo_pairs, train): OpenOrca questions with a GPT-4/3.5 answer (chosen)
and a Llama-2-13B-chat answer (rejected) → DPO pairs.

As the original bagel code: the pair's prompt is the question without the row's system prompt
(option `keep_system: true` keeps it) and pairs are not deduplicated (option `dedupe`). Identical
pairs and (recipe switch) refusals in the chosen answer are dropped. DPO-only, exempt from
cross-source dedup (the mix's rule, not this converter's).
"""

from __future__ import annotations

from bagel_data.sources.base import Converted, SourceContext
from bagel_data.sources.pairs import convert_flat_pairs


def convert(ctx: SourceContext) -> Converted:
    return convert_flat_pairs(ctx, prompt="question", system="system")
