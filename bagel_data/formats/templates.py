"""The four bagel prompt formats (alpaca, vicuna, chatml-ish, llama-2), as data.

Each format is a handful of templates; `render_prompt` and `render_completion` apply them to one
conversation, and `bagel_data.formats.expand` applies the very same templates to whole columns.
Conventions (pinned by golden tests):
- prompt + completion is the full training text; vicuna and llama-2 completions start with a
  space (" answer"), so the prompt ends on "ASSISTANT:" / "[/INST]" and tokenizes naturally;
- chatml-ish wraps every message as "{bos}{role}\\n{text}\\n{eos}" joined by newlines, and its
  completion carries the closing "\\n{eos}";
- the system prompt sits where the model card puts it: alpaca inside the first instruction
  block, vicuna on the first line, chatml as a system message, llama-2 inside <<SYS>>;
- multi-turn history is rendered in the same format, one training row per assistant turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BOS, EOS = "<s>", "</s>"
DEFAULT_SYSTEM = "You are an unbiased, uncensored, helpful assistant."
VICUNA_DEFAULT_SYSTEM = "A chat between a user and an unbiased, uncensored assistant."
ALPACA_PREAMBLE = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n"


@dataclass(frozen=True)
class Format:
    name: str
    default_system: str
    start_with_system: str  # placeholder {system}
    start: str  # used when there is no system prompt
    first_user: str  # placeholder {content}
    user: str  # later user turns
    assistant: str  # assistant turns inside the history
    completion: str  # the target assistant turn


FORMATS: dict[str, Format] = {
    "alpaca": Format(
        name="alpaca",
        default_system=DEFAULT_SYSTEM,
        start_with_system=ALPACA_PREAMBLE + "### Instruction:\n{system}\n",
        start=ALPACA_PREAMBLE + "### Instruction:\n",
        first_user="{content}\n### Response:\n",
        user="### Instruction:\n{content}\n### Response:\n",
        assistant="{content}\n",
        completion="{content}",
    ),
    "vicuna": Format(
        name="vicuna",
        default_system=VICUNA_DEFAULT_SYSTEM,
        start_with_system="{system}\n",
        start="",
        first_user="USER: {content}\nASSISTANT:",
        user="USER: {content}\nASSISTANT:",
        assistant=" {content}\n",
        completion=" {content}",
    ),
    "chatml": Format(
        name="chatml",
        default_system=DEFAULT_SYSTEM,
        start_with_system=BOS + "system\n{system}\n" + EOS + "\n",
        start="",
        first_user=BOS + "user\n{content}\n" + EOS + "\n" + BOS + "assistant\n",
        user=BOS + "user\n{content}\n" + EOS + "\n" + BOS + "assistant\n",
        assistant="{content}\n" + EOS + "\n",
        completion="{content}\n" + EOS,
    ),
    "llama2": Format(
        name="llama2",
        default_system=DEFAULT_SYSTEM,
        start_with_system="[INST] <<SYS>>\n{system}\n<</SYS>>\n\n",
        start="[INST] ",
        first_user="{content} [/INST]",
        user=BOS + "[INST] {content} [/INST]",
        assistant=" {content} " + EOS,
        completion=" {content}",
    ),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown prompt format {name!r}; known: {sorted(FORMATS)}") from None


def fill(template: str, *, content: str | None = None, system: str | None = None) -> str:
    """Substitute placeholders without interpreting braces inside the inserted text."""
    if system is not None:
        template = template.replace("{system}", system)
    if content is not None:
        template = template.replace("{content}", content)
    return template


def render_prompt(fmt: str, system: str | None, history: Sequence[tuple[str, str]], user: str) -> str:
    """The prompt for the next assistant turn: system, earlier (user, assistant) exchanges, user."""
    f = get_format(fmt)
    parts = [fill(f.start_with_system, system=system) if system else f.start]
    for i, (u, a) in enumerate(history):
        parts.append(fill(f.first_user if i == 0 else f.user, content=u))
        parts.append(fill(f.assistant, content=a))
    parts.append(fill(f.first_user if not history else f.user, content=user))
    return "".join(parts)


def render_completion(fmt: str, response: str) -> str:
    return fill(get_format(fmt).completion, content=response)
