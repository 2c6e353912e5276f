"""lmsys_chat_1m (lmsys/lmsys-chat-1m): conversations of the recipe's `sft_models` (gpt-4) without
refusals become SFT rows; DPO pairs come from single-exchange gpt-4 chats whose exact user prompt
was also answered by an open model of known size: the gpt-4 answer is chosen, the answer of the
largest such model rejected (ties: the first in upstream order).

As in the original bagel code, the size is the two digits of "-NNb" in the model name (option
`open_model_size_pattern`, case-sensitive: "vicuna-7b" and "RWKV-4-Raven-14B" have no size), and
a chat that gave a pair is a DPO row only ("filter: became a DPO pair"; option
`pairs_also_sft: true` keeps it as an SFT row too). Unlike the original, roles are mapped to
user/assistant, so multi-turn gpt-4 chats stay SFT rows (the original's role names made its
expansion drop them).

Rows of other models only serve as rejected answers; they are counted as "filter: model ..."
rejects with a small raw (conversation_id, model) rather than the whole chat.
"""

from __future__ import annotations

import polars as pl

from bagel_data.sources.base import (
    RAW_CHARS,
    ROW_KEY,
    Converted,
    SourceContext,
    assistant_text,
    blank,
    conversation_checks,
    finish_instructions,
    finish_preferences,
    has_columns,
    preference_checks,
    reading_rejects,
    refusal_check,
    role_pattern,
    split_rejects,
)
from bagel_data.sources.chat import sharegpt, turn_content, user_text
from bagel_data.sources.dedupe import keep_first_id

DEFAULT_SIZE_PATTERN = r"-([0-9]{2})b"
BECAME_PAIR = "filter: became a DPO pair"


def largest_open_answers(others: pl.DataFrame, size_pattern: str) -> pl.DataFrame:
    """Per exact user prompt: the single-exchange answer of the largest sized open model."""
    return (
        others.with_row_index("__order")
        .with_columns(pl.col("model").cast(pl.String).str.extract(size_pattern, 1).cast(pl.Int64, strict=False).alias("__size"))
        .filter(
            pl.col("__size").is_not_null()
            & (role_pattern(pl.col("conversation")) == "ua")
            & ~blank(turn_content(pl.col("conversation"), "assistant"))
        )
        .sort(["__size", "__order"], descending=[True, False])
        .select(user_text().alias("__prompt_key"), turn_content(pl.col("conversation"), "assistant").alias("rejected"))
        .unique("__prompt_key", keep="first", maintain_order=True)
    )


def dpo_pairs(sft: pl.DataFrame, others: pl.DataFrame, size_pattern: str) -> pl.DataFrame:
    single = sft.filter(pl.col("conversation").list.len() == 2).with_columns(
        turn_content(pl.col("conversation"), "user").alias("prompt"),
        turn_content(pl.col("conversation"), "assistant").alias("chosen"),
        user_text().alias("__prompt_key"),
    )
    return single.join(largest_open_answers(others, size_pattern), on="__prompt_key", how="inner", maintain_order="left").drop("__prompt_key")


def convert(ctx: SourceContext) -> Converted:
    raw = ctx.read()
    frame = sharegpt(has_columns(raw.rows, "model", "conversation_id"), "conversation", "role", "content")
    models = [str(m) for m in ctx.options.get("sft_models", ["gpt-4"])]
    is_sft_model = pl.col("model").cast(pl.String).is_in(models)
    others = frame.filter(~is_sft_model.fill_null(False))
    model_rejects = others.select(
        pl.col(ROW_KEY).alias("row_key"),
        pl.when(blank(pl.col("model")))
        .then(pl.lit("malformed: missing model"))
        .otherwise(pl.lit(f"filter: model not {' / '.join(models)}"))
        .alias("reason"),
        pl.struct(pl.col("conversation_id").cast(pl.String), pl.col("model").cast(pl.String)).struct.json_encode().alias("raw"),
    )
    kept, rejects = split_rejects(frame.filter(is_sft_model.fill_null(False)), [*conversation_checks(), *refusal_check(ctx, assistant_text())])
    instructions, duplicates = keep_first_id(finish_instructions(kept, ctx), "filter: duplicate instruction")

    size_pattern = str(ctx.options.get("open_model_size_pattern", DEFAULT_SIZE_PATTERN))
    pairs, bad_pairs = split_rejects(dpo_pairs(kept, others, size_pattern), preference_checks())
    preferences, duplicate_pairs = keep_first_id(finish_preferences(pairs, ctx), "filter: duplicate prompt")
    paired = pl.DataFrame(schema={"row_key": pl.String, "reason": pl.String, "raw": pl.String})
    if not ctx.options.get("pairs_also_sft", False):
        became_pair = instructions["row_key"].is_in(preferences["row_key"].implode())
        paired = instructions.filter(became_pair).select(
            "row_key", pl.lit(BECAME_PAIR).alias("reason"), pl.struct("conversation").struct.json_encode().str.slice(0, RAW_CHARS).alias("raw")
        )
        instructions = instructions.filter(~became_pair)
    return Converted(
        rows_in=raw.rows.height + reading_rejects(raw).height,
        instructions=instructions,
        preferences=preferences,
        rejects=[reading_rejects(raw), model_rejects, rejects, duplicates, bad_pairs, duplicate_pairs, paired],
    )
