"""The built SFT and DPO shards fed to TRL's SFTTrainer and DPOTrainer, as a training job would.

A tokenizer is trained in the test (sentencepiece-style word starts, BOS added like Mistral's),
and a tiny randomly initialised Llama model takes one training step; no downloads. What TRL
tokenizes must be exactly BOS + prompt + completion (or answer) + EOS: one BOS at the start, one
EOS at the end, the prompt tokens masked out of the loss.
"""

from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

from bagel_data.definitions import build_definitions
from bagel_data.recipe import load_recipe
from bagel_data.storage import Layout

trl = pytest.importorskip("trl", reason="TRL is in the dev extra (pip install -e '.[dev]')")
transformers = pytest.importorskip("transformers")
datasets = pytest.importorskip("datasets")
tokenizers = pytest.importorskip("tokenizers")
torch = pytest.importorskip("torch")

BOS, EOS, PAD, UNK = "<s>", "</s>", "<pad>", "<unk>"
SFT_COLUMNS = ["prompt", "completion"]  # what a training job passes (README: drop `messages`)
DPO_COLUMNS = ["prompt", "chosen", "rejected"]


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    home = tmp_path_factory.mktemp("trainers") / "home"
    mp = pytest.MonkeyPatch()
    mp.setenv("BAGEL_DATA_HOME", str(home))
    mp.setenv("BAGEL_DATA_MODE", "samples")
    mp.delenv("BAGEL_DATA_MIRROR", raising=False)
    try:
        defs = build_definitions(load_recipe())
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)
        assert result.success
    finally:
        mp.undo()
    layout = Layout(home)
    return {p: sorted(str(f) for f in layout.output(p).glob("part-*.parquet")) for p in ("sft", "dpo")}


@pytest.fixture(scope="module")
def tokenizer(shards):
    """A BPE tokenizer trained on the shards' own text, with Mistral's special tokens and BOS rule."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    frames = [pl.read_parquet(shards["sft"]), pl.read_parquet(shards["dpo"])]
    corpus = [t for f in frames for c in f.columns if c in ("prompt", "completion", "chosen", "rejected") for t in f[c].to_list()]
    tok = Tokenizer(models.BPE(unk_token=UNK))
    # like Mistral's sentencepiece model: a newline is a token of its own, words start with "▁"
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split("\n", behavior="isolated"), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first")
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=2000, special_tokens=[UNK, BOS, EOS, PAD], show_progress=False))
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, tok.token_to_id(BOS))])
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=PAD, unk_token=UNK)


def _tiny_model(tokenizer):
    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=8192, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    return transformers.LlamaForCausalLM(config)


def _args(cls, tmp_path, **extra):
    return cls(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=2, report_to=[], save_strategy="no",
               use_cpu=True, logging_strategy="no", max_length=None, **extra)


def _text_ids(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def _literal(text: str, token: str) -> int:
    """How often a special token's text stands inside the rendered text (chatml's later messages)."""
    return text.count(token)


def test_sft_trainer_sees_one_bos_prompt_completion_one_eos(shards, tokenizer, tmp_path):
    data = datasets.Dataset.from_parquet(shards["sft"]).select_columns(SFT_COLUMNS + ["format"])
    trainer = trl.SFTTrainer(model=_tiny_model(tokenizer), args=_args(trl.SFTConfig, tmp_path), train_dataset=data.remove_columns("format"), processing_class=tokenizer)
    seen = trainer.train_dataset
    assert len(seen) == len(data), "TRL dropped no row"
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    formats = set()
    for row, fed in zip(data, seen):
        text = row["prompt"] + row["completion"]
        assert not row["prompt"].startswith(BOS) and not row["completion"].endswith(EOS)
        ids = fed["input_ids"]
        assert ids == [bos] + _text_ids(tokenizer, text) + [eos], row["format"]
        assert ids.count(bos) == 1 + _literal(text, BOS) and ids.count(eos) == 1 + _literal(text, EOS)
        assert ids[1] != bos and ids[-2] != eos, "no doubled BOS or EOS"
        labels = fed["labels"]  # TRL folds its completion mask into the labels: -100 = not trained on
        n_prompt = next((i for i, v in enumerate(labels) if v != -100), len(labels))
        assert ids[:n_prompt] == [bos] + _text_ids(tokenizer, row["prompt"]), "the prompt is masked out, exactly"
        assert labels[n_prompt:] == ids[n_prompt:], "every completion token and the EOS are trained on"
        formats.add(row["format"])
    assert formats == {"alpaca", "vicuna", "chatml", "llama2", "text"}
    assert trainer.train().training_loss > 0


def test_dpo_trainer_sees_one_bos_prompt_answer_one_eos(shards, tokenizer, tmp_path):
    data = datasets.Dataset.from_parquet(shards["dpo"]).select_columns(DPO_COLUMNS + ["format"])
    trainer = trl.DPOTrainer(model=_tiny_model(tokenizer), ref_model=_tiny_model(tokenizer), args=_args(trl.DPOConfig, tmp_path), train_dataset=data.remove_columns("format"), processing_class=tokenizer)
    seen = trainer.train_dataset
    assert len(seen) == len(data)
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    for row, fed in zip(data, seen):
        prompt = [bos] + _text_ids(tokenizer, row["prompt"])
        assert fed["prompt_ids"] == prompt, row["format"]
        for answer in ("chosen", "rejected"):
            full = fed["prompt_ids"] + fed[f"{answer}_ids"]
            text = row["prompt"] + row[answer]
            assert full == [bos] + _text_ids(tokenizer, text) + [eos], (row["format"], answer)
            assert full.count(bos) == 1 + _literal(text, BOS) and full.count(eos) == 1 + _literal(text, EOS)
    assert set(data["format"]) == {"alpaca", "vicuna", "chatml", "llama2"}
    trainer.train()
