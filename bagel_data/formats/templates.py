"""The four bagel prompt formats (alpaca, vicuna, chatml-ish, llama-2), as data.

The bytes are those of the original training code (jondurbin/bagel @6bccff6, `bagel/data.py`):
each format is a set of fragments plus the whitespace stripping the original applied to each
kind of text. `render_prompt` / `render_completion` / `render_dpo_prompt` apply them to one
conversation; `bagel_data.formats.expand` applies the very same fragments to whole columns.

Conventions (pinned by golden tests against the original's bytes):
- no literal BOS before the first message and no literal EOS after the answer: the trainer's
  tokenizer adds BOS, the trainer appends EOS (as the original's collator and TRL do);
- SFT: prompt + completion is the original's input + output. The original tokenized input and
  output separately, so the space between "ASSISTANT:" / "[/INST]" and the answer is a token
  boundary; we put that space at the start of the completion (vicuna: moved from the prompt's
  end; llama-2: the sentencepiece word-start the separately tokenized output began with), so a
  trainer tokenizing prompt + completion as one string sees the tokens the original trained on;
- DPO: the prompt is rendered from the user prompt alone, as the original did; chosen and
  rejected are the raw answers behind the same boundary space as SFT completions (TRL's
  DPOTrainer, like its SFTTrainer, tokenizes prompt + answer as one string);
- a row without a system prompt gets the format's default one on a coin (per row id and
  format); alpaca has no default system prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_SYSTEM = "You are an unbiased, uncensored, helpful assistant."
VICUNA_DEFAULT_SYSTEM = "A chat between a user and an unbiased, uncensored assistant."
ALPACA_PREAMBLE = "Below is an instruction that describes a task.  Write a response that appropriately completes the request."
BOS, EOS = "<s>", "</s>"

# Python's str.strip() whitespace, so the vectorized expansion strips exactly what the original did
PY_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # none lies above U+3000


@dataclass(frozen=True)
class Strips:
    """Which side(s) of each text the original stripped (both | right | left | none)."""

    system: str
    first_user: str
    user: str
    assistant: str  # earlier answers, inside the prompt
    completion: str  # the target answer


@dataclass(frozen=True)
class Format:
    name: str
    default_system: str | None  # None: never added by the coin
    start: str  # prompt start when there is no system prompt
    system: str  # prompt start with a system prompt ({system})
    first_user: str  # first user turn, no system prompt before it ({content})
    first_user_after_system: str  # first user turn after a system prompt
    user: str  # every later user turn
    assistant: str  # an earlier assistant answer
    generation: str  # closes an SFT prompt
    completion: str  # the SFT target (a DPO answer: the same, unstripped)
    strips: Strips


FORMATS: dict[str, Format] = {
    # parts joined by a blank line; the system prompt is the first instruction, the user turn its own part
    "alpaca": Format(
        name="alpaca",
        default_system=None,
        start=ALPACA_PREAMBLE + "\n\n",
        system=ALPACA_PREAMBLE + "\n\n### Instruction: \n{system}\n\n",
        first_user="### Instruction: \n{content}\n\n",
        first_user_after_system="{content}\n\n",
        user="### Instruction: \n{content}\n\n",
        assistant="### Response:\n{content}\n\n",
        generation="### Response:\n",
        completion="{content}",
        strips=Strips(system="both", first_user="both", user="both", assistant="both", completion="left"),
    ),
    # lines joined by "\n"; the original's prompt ended "ASSISTANT: "
    "vicuna": Format(
        name="vicuna",
        default_system=VICUNA_DEFAULT_SYSTEM,
        start="",
        system="{system}\n",
        first_user="USER: {content}\n",
        first_user_after_system="USER: {content}\n",
        user="USER: {content}\n",
        assistant="ASSISTANT: {content}\n",
        generation="ASSISTANT:",
        completion=" {content}",
        strips=Strips(system="both", first_user="both", user="both", assistant="both", completion="left"),
    ),
    # messages "role\ntext\n</s>" joined by "\n", each after the first opened by "<s>"
    "chatml": Format(
        name="chatml",
        default_system=DEFAULT_SYSTEM,
        start="",
        system="system\n{system}\n" + EOS + "\n",
        first_user="user\n{content}\n" + EOS + "\n",
        first_user_after_system=BOS + "user\n{content}\n" + EOS + "\n",
        user=BOS + "user\n{content}\n" + EOS + "\n",
        assistant=BOS + "assistant\n{content}\n" + EOS + "\n",
        generation=BOS + "assistant\n",
        completion="{content}",
        strips=Strips(system="right", first_user="right", user="right", assistant="right", completion="left"),
    ),
    # the first user turn and the final answer unstripped, as the original left them
    "llama2": Format(
        name="llama2",
        default_system=DEFAULT_SYSTEM,
        start="[INST] ",
        system="[INST] <<SYS>>\n{system}\n<</SYS>>\n\n",
        first_user="{content}",
        first_user_after_system="{content}",
        user="{content}",
        assistant=" [/INST] {content} " + EOS + BOS + "[INST] ",
        generation=" [/INST]",
        completion=" {content}",
        strips=Strips(system="none", first_user="none", user="both", assistant="both", completion="none"),
    ),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown prompt format {name!r}; known: {sorted(FORMATS)}") from None


def strip(text: str, side: str) -> str:
    if side == "both":
        return text.strip()
    if side == "right":
        return text.rstrip()
    if side == "left":
        return text.lstrip()
    return text


def fill(template: str, *, content: str | None = None, system: str | None = None) -> str:
    """Substitute placeholders without interpreting braces inside the inserted text."""
    if system is not None:
        template = template.replace("{system}", system)
    if content is not None:
        template = template.replace("{content}", content)
    return template


def _prompt_body(f: Format, system: str | None, history: Sequence[tuple[str, str]], user: str) -> str:
    s = f.strips
    parts = [fill(f.system, system=strip(system, s.system)) if system else f.start]
    turns = [u for pair in history for u in pair] + [user]
    for i, text in enumerate(turns):
        if i == 0:
            parts.append(fill(f.first_user_after_system if system else f.first_user, content=strip(text, s.first_user)))
        elif i % 2:
            parts.append(fill(f.assistant, content=strip(text, s.assistant)))
        else:
            parts.append(fill(f.user, content=strip(text, s.user)))
    return "".join(parts)


def render_prompt(fmt: str, system: str | None, history: Sequence[tuple[str, str]], user: str) -> str:
    """The SFT prompt for the next assistant turn: system, earlier (user, assistant) exchanges, user."""
    f = get_format(fmt)
    return _prompt_body(f, system, history, user) + f.generation


def render_completion(fmt: str, response: str) -> str:
    f = get_format(fmt)
    return fill(f.completion, content=strip(response, f.strips.completion))


def render_dpo_prompt(fmt: str, system: str | None, prompt: str) -> str:
    """A DPO prompt: the prompt for a single user turn."""
    return render_prompt(fmt, system, [], prompt)


def render_dpo_answer(fmt: str, answer: str) -> str:
    """A DPO chosen/rejected answer: raw, as the original kept it, behind the boundary space."""
    return fill(get_format(fmt).completion, content=answer)
