"""openbookqa (allenai/openbookqa "main" train): multiple choice, rendered exactly as ai2_arc
(`question_stem` instead of `question`): the stem plus "L. text" lines, and a coin per upstream
id for letter only (with the ai2_arc instruction appended) or "L text"."""

from __future__ import annotations

from bagel_data.sources.ai2_arc import convert_choices
from bagel_data.sources.base import Converted, SourceContext


def convert(ctx: SourceContext) -> Converted:
    return convert_choices(ctx, "question_stem")
