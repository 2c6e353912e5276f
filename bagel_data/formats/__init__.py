"""Prompt formats (templates) and their vectorized expansion into training rows."""

from bagel_data.formats.templates import FORMATS, get_format, render_completion, render_dpo_answer, render_dpo_prompt, render_prompt

__all__ = ["FORMATS", "get_format", "render_completion", "render_dpo_answer", "render_dpo_prompt", "render_prompt"]
