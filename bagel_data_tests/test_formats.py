"""Golden renderings of the four prompt formats, byte for byte, and the vectorized expansion
agreeing with the per-row reference renderer."""

from __future__ import annotations

import polars as pl
import pytest

from bagel_data.formats import render_completion, render_dpo_answer, render_dpo_prompt, render_prompt
from bagel_data.formats.expand import assign_formats, expand_instructions, expand_preferences, expand_texts, messages_column
from bagel_data.formats.templates import DEFAULT_SYSTEM, VICUNA_DEFAULT_SYSTEM

PRE = "Below is an instruction that describes a task.  Write a response that appropriately completes the request."

# Pinned to what jondurbin/bagel @6bccff6 (`bagel/data.py`) renders, byte for byte. The
# original's input + output equals our prompt + completion; vicuna's boundary space moves from
# the prompt's end to the completion's start, and llama-2's completion starts with the space the
# separately tokenized output began with (sentencepiece word start).
GOLDEN_SINGLE = {
    # (format, system) -> prompt for user "What is 2+2?"
    ("alpaca", None): PRE + "\n\n### Instruction: \nWhat is 2+2?\n\n### Response:\n",
    ("alpaca", "Be terse."): PRE + "\n\n### Instruction: \nBe terse.\n\nWhat is 2+2?\n\n### Response:\n",
    ("vicuna", None): "USER: What is 2+2?\nASSISTANT:",
    ("vicuna", "Be terse."): "Be terse.\nUSER: What is 2+2?\nASSISTANT:",
    ("chatml", None): "user\nWhat is 2+2?\n</s>\n<s>assistant\n",
    ("chatml", "Be terse."): "system\nBe terse.\n</s>\n<s>user\nWhat is 2+2?\n</s>\n<s>assistant\n",
    ("llama2", None): "[INST] What is 2+2? [/INST]",
    ("llama2", "Be terse."): "[INST] <<SYS>>\nBe terse.\n<</SYS>>\n\nWhat is 2+2? [/INST]",
}

GOLDEN_COMPLETION = {"alpaca": "4", "vicuna": " 4", "chatml": "4", "llama2": " 4"}

GOLDEN_HISTORY = {
    # second assistant turn of: system "Be terse.", Hi / Hello / And 2+2? / 4
    "alpaca": PRE + "\n\n### Instruction: \nBe terse.\n\nHi\n\n### Response:\nHello\n\n### Instruction: \nAnd 2+2?\n\n### Response:\n",
    "vicuna": "Be terse.\nUSER: Hi\nASSISTANT: Hello\nUSER: And 2+2?\nASSISTANT:",
    "chatml": "system\nBe terse.\n</s>\n<s>user\nHi\n</s>\n<s>assistant\nHello\n</s>\n<s>user\nAnd 2+2?\n</s>\n<s>assistant\n",
    "llama2": "[INST] <<SYS>>\nBe terse.\n<</SYS>>\n\nHi [/INST] Hello </s><s>[INST] And 2+2? [/INST]",
}

# the same conversation with untidy whitespace: each format strips what the original stripped
# (alpaca/vicuna both sides, chatml the right side, llama-2 neither the system prompt nor the
# first user turn nor the final answer)
UNTIDY = (" Be terse. ", [("  Hi  \n", "\n Hello \n")], " And 2+2? ", "\n 4 \n")
GOLDEN_UNTIDY = {
    "alpaca": (PRE + "\n\n### Instruction: \nBe terse.\n\nHi\n\n### Response:\nHello\n\n### Instruction: \nAnd 2+2?\n\n### Response:\n", "4 \n"),
    "vicuna": ("Be terse.\nUSER: Hi\nASSISTANT: Hello\nUSER: And 2+2?\nASSISTANT:", " 4 \n"),
    "chatml": ("system\n Be terse.\n</s>\n<s>user\n  Hi\n</s>\n<s>assistant\n\n Hello\n</s>\n<s>user\n And 2+2?\n</s>\n<s>assistant\n", "4 \n"),
    "llama2": ("[INST] <<SYS>>\n Be terse. \n<</SYS>>\n\n  Hi  \n [/INST] Hello </s><s>[INST] And 2+2? [/INST]", " \n 4 \n"),
}

# DPO: the original's prompt for the user prompt alone; raw answers behind the boundary space
GOLDEN_DPO = {
    "alpaca": PRE + "\n\n### Instruction: \nName a color.\n\n### Response:\n",
    "vicuna": "USER: Name a color.\nASSISTANT:",
    "chatml": "user\nName a color.\n</s>\n<s>assistant\n",
    "llama2": "[INST] Name a color. [/INST]",
}
GOLDEN_DPO_ANSWER = {"alpaca": " Blue. ", "vicuna": "  Blue. ", "chatml": " Blue. ", "llama2": "  Blue. "}  # for " Blue. "

FORMATS = ["alpaca", "vicuna", "chatml", "llama2"]


@pytest.mark.parametrize(("fmt", "system"), list(GOLDEN_SINGLE))
def test_single_turn_prompt_bytes(fmt, system):
    assert render_prompt(fmt, system, [], "What is 2+2?") == GOLDEN_SINGLE[(fmt, system)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_completion_bytes(fmt):
    assert render_completion(fmt, "4") == GOLDEN_COMPLETION[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_multi_turn_history_bytes(fmt):
    assert render_prompt(fmt, "Be terse.", [("Hi", "Hello")], "And 2+2?") == GOLDEN_HISTORY[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_whitespace_is_stripped_as_the_original_did(fmt):
    system, history, user, answer = UNTIDY
    assert (render_prompt(fmt, system, history, user), render_completion(fmt, answer)) == GOLDEN_UNTIDY[fmt]
    frame = pl.DataFrame({"id": ["u"], "source": ["s"], "system": [system], "conversation": [_conv(*history[0], user, answer)]})
    last = expand_instructions(frame, [fmt], seed=1, default_system_probability=0.0).row(1, named=True)
    assert (last["prompt"], last["completion"]) == GOLDEN_UNTIDY[fmt], "vectorized expansion strips the same"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_literal_bos_at_prompt_start_nor_eos_at_completion_end(fmt):
    for prompt in [*(GOLDEN_SINGLE[(fmt, s)] for s in (None, "Be terse.")), GOLDEN_HISTORY[fmt], GOLDEN_DPO[fmt]]:
        assert not prompt.startswith("<s>")
    assert not render_completion(fmt, "4").endswith("</s>")


def test_braces_and_placeholders_in_content_are_literal():
    text = "Use {content} and {system} and {} literally"
    assert render_prompt("vicuna", "{system}", [], text) == "{system}\nUSER: " + text + "\nASSISTANT:"


def _conv(*turns):
    roles = ["user", "assistant"] * len(turns)
    return [{"role": r, "content": c} for r, c in zip(roles, turns)]


@pytest.fixture
def rows():
    return pl.DataFrame(
        {
            "id": ["r1", "r2", "r3"],
            "source": ["s", "s", "t"],
            "system": ["Be terse.", None, None],
            "conversation": [_conv("Hi", "Hello", "And 2+2?", "4"), _conv("Q", "A"), _conv("Q3", "A3", "Q4", "A4", "Q5", "A5")],
        }
    )


def test_expansion_matches_reference_renderer(rows):
    out = expand_instructions(rows, FORMATS, seed=7, default_system_probability=0.0)
    assert out.height == (2 + 1 + 3) * 4  # one row per assistant turn per format
    for r in out.iter_rows(named=True):
        conv = rows.filter(pl.col("id") == r["id"]).row(0, named=True)
        turns = [t["content"] for t in conv["conversation"]]
        k = (len(r["messages"]) - (1 if conv["system"] else 0)) // 2 - 1
        history = [(turns[2 * i], turns[2 * i + 1]) for i in range(k)]
        assert r["prompt"] == render_prompt(r["format"], conv["system"], history, turns[2 * k])
        assert r["completion"] == render_completion(r["format"], turns[2 * k + 1])
    second = out.filter((pl.col("id") == "r1") & (pl.col("format") == "llama2"))["prompt"].to_list()
    assert second[1] == GOLDEN_HISTORY["llama2"]


def test_messages_hold_system_and_history(rows):
    out = expand_instructions(rows, ["chatml"], seed=7, default_system_probability=0.0)
    msgs = out.filter(pl.col("id") == "r1")["messages"].to_list()
    assert [m["role"] for m in msgs[1]] == ["system", "user", "assistant", "user", "assistant"]
    assert msgs[0][-1] == {"role": "assistant", "content": "Hello"}


def test_default_system_coin_is_seeded_by_row_id(rows):
    always = expand_instructions(rows, FORMATS, seed=7, default_system_probability=1.0)
    r2 = always.filter(pl.col("id") == "r2")
    assert r2.filter(pl.col("format") == "vicuna")["prompt"][0] == VICUNA_DEFAULT_SYSTEM + "\nUSER: Q\nASSISTANT:"
    assert r2.filter(pl.col("format") == "chatml")["prompt"][0] == "system\n" + DEFAULT_SYSTEM + "\n</s>\n<s>user\nQ\n</s>\n<s>assistant\n"
    assert r2.filter(pl.col("format") == "llama2")["prompt"][0].startswith("[INST] <<SYS>>\n" + DEFAULT_SYSTEM + "\n<</SYS>>")
    assert r2.filter(pl.col("format") == "alpaca")["prompt"][0] == PRE + "\n\n### Instruction: \nQ\n\n### Response:\n", "alpaca never gets a default"
    vicuna_messages = r2.filter(pl.col("format") == "vicuna")["messages"][0].to_list()
    assert vicuna_messages[0] == {"role": "system", "content": VICUNA_DEFAULT_SYSTEM}, "messages agree with the prompt"
    # an explicit system prompt is never replaced
    assert always.filter((pl.col("id") == "r1") & (pl.col("format") == "vicuna"))["prompt"][0].startswith("Be terse.\n")
    half = [expand_instructions(rows, FORMATS, seed=7, default_system_probability=0.5) for _ in range(2)]
    assert half[0].equals(half[1])
    many = pl.DataFrame({"id": [f"id{i}" for i in range(400)], "source": "s", "system": None, "conversation": [_conv("q", "a")] * 400})
    share = expand_instructions(many, ["vicuna"], seed=7, default_system_probability=0.5)["prompt"].str.starts_with(VICUNA_DEFAULT_SYSTEM).mean()
    assert 0.4 < share < 0.6
    # one coin per (row id, format): the formats decide independently
    flags = {f: expand_instructions(many, [f], seed=7, default_system_probability=0.5)["messages"].list.len() == 3 for f in ("vicuna", "chatml", "llama2")}
    assert 0.35 < (flags["vicuna"] == flags["chatml"]).mean() < 0.65 and 0.35 < (flags["chatml"] == flags["llama2"]).mean() < 0.65


def test_dpo_prompts_and_text_rows():
    pairs = pl.DataFrame({"id": ["p"], "source": ["u"], "system": [None], "prompt": ["Name a color."], "chosen": ["Blue."], "rejected": ["No."]})
    out = expand_preferences(pairs, FORMATS, seed=1, default_system_probability=0.0)
    got = {r["format"]: (r["prompt"], r["chosen"], r["rejected"]) for r in out.iter_rows(named=True)}
    space = {"alpaca": "", "vicuna": " ", "chatml": "", "llama2": " "}
    assert got == {f: (GOLDEN_DPO[f], space[f] + "Blue.", space[f] + "No.") for f in FORMATS}
    assert all(render_dpo_prompt(f, None, "Name a color.") == GOLDEN_DPO[f] for f in FORMATS)
    assert all(render_dpo_answer(f, " Blue. ") == GOLDEN_DPO_ANSWER[f] for f in FORMATS), "answers are not stripped"
    with_system = pairs.with_columns(pl.lit("Be terse.").alias("system"))
    dropped = expand_preferences(with_system, ["vicuna"], seed=1, default_system_probability=0.0)
    assert dropped["prompt"][0] == GOLDEN_DPO["vicuna"], "as the original: a pair's own system prompt is not rendered"
    kept = expand_preferences(with_system, ["vicuna"], seed=1, default_system_probability=0.0, own_system=True)
    assert kept["prompt"][0] == "Be terse.\n" + GOLDEN_DPO["vicuna"]
    texts = expand_texts(pl.DataFrame({"id": ["t"], "source": ["g"], "text": ["Chapter 1\nIt was."]}))
    assert texts.row(0, named=True)["prompt"] == "" and texts.row(0, named=True)["format"] == "text"


def test_k_of_4_assignment_covers_formats_evenly():
    ids = pl.Series([f"row{i}" for i in range(4000)])
    assigned = assign_formats(ids, FORMATS, k=3, seed=3)
    assert set(assigned.list.len().to_list()) == {3}
    counts = assigned.explode().value_counts()
    shares = dict(zip(counts["formats"], counts["count"]))
    assert all(abs(shares[f] / 4000 - 0.75) < 0.03 for f in FORMATS)
    assert assign_formats(ids, FORMATS, k=3, seed=3).equals(assigned)


def test_messages_column_is_the_system_message_then_the_kept_history():
    """The vectorized messages builder against the obvious Python: [system] + conversation[:keep]."""
    convs = [
        [{"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"}, {"role": "user", "content": "u2"}, {"role": "assistant", "content": "a2"}],
        [{"role": "user", "content": "only"}, {"role": "assistant", "content": "one"}],
        [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}, {"role": "user", "content": "z"}, {"role": "assistant", "content": "w"}],
    ]
    systems = ["Be brief.", None, "Sys"]
    keep = [4, 2, 9]  # more than a conversation holds: all of it
    got = messages_column(pl.Series(convs), pl.Series(systems, dtype=pl.String), keep).to_list()
    want = [([{"role": "system", "content": s}] if s else []) + c[:k] for c, s, k in zip(convs, systems, keep)]
    assert got == want
    assert messages_column(pl.Series(convs), pl.Series(systems, dtype=pl.String), [2, 2, 2]).to_list()[0] == want[0][:3]
    empty = messages_column(pl.Series("c", [], dtype=pl.List(pl.Struct({"role": pl.String, "content": pl.String}))), pl.Series([], dtype=pl.String), [])
    assert empty.len() == 0 and empty.dtype == pl.List(pl.Struct({"role": pl.String, "content": pl.String}))
