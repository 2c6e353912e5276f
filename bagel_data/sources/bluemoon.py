"""bluemoon (Squish42/bluemoon-fandom-1-1-rp-cleaned, data/pruned/bluemoon.train.json): multi-turn
roleplay in ShareGPT form, kept as it is. A last user turn nobody answered is trimmed (option
`trim_unanswered`, default on); conversations that do not alternate user/assistant are rejects.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import Converted, SourceContext, conversation_checks, finish_instructions, reading_rejects, split_rejects
from bagel_data.sources.chat import sharegpt, trim_unanswered
from bagel_data.sources.dedupe import keep_first_id


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = sharegpt(raw.rows)
    if ctx.options.get("trim_unanswered", True):
        frame = frame.with_columns(trim_unanswered().alias("conversation"))
    kept, rejects = split_rejects(frame, conversation_checks())
    instructions, duplicates = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
