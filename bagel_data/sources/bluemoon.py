"""bluemoon (Squish42/bluemoon-fandom-1-1-rp-cleaned, data/pruned/bluemoon.train.json): multi-turn
roleplay in ShareGPT form, kept as it is.

As in the original bagel code: a thread ending on a user post is dropped whole ("filter: ends on
a user turn"; option `trim_unanswered: true` trims that post instead), and threads are not
deduplicated (the original keyed them by their upstream ids; option `dedupe: true` keeps the first
of repeated threads). Threads that do not alternate user/assistant are rejects.
"""

from __future__ import annotations

from bagel_data.sources.base import Converted, SourceContext, conversation_checks, finish_instructions, reading_rejects, split_rejects
from bagel_data.sources.chat import sharegpt, unanswered
from bagel_data.sources.dedupe import dedupe


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame, unanswered_checks = unanswered(sharegpt(raw.rows), bool(ctx.options.get("trim_unanswered", False)))
    kept, rejects = split_rejects(frame, [*unanswered_checks, *conversation_checks()])
    instructions, duplicates = dedupe(finish_instructions(kept, ctx), ctx, "filter: duplicate instruction", default=False)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        rejects=[reading_rejects(raw), rejects, duplicates],
    )
