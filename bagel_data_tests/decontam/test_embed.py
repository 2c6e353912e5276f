"""The embedder: the packaged MiniLM loads offline, vectors are normalized and in input order, and
the on-disk cache (model id x text hash) makes a second run encode nothing new."""

from __future__ import annotations

import numpy as np

from bagel_data.decontam.embed import Embedder, pick_device, resolve_model

TEXTS = ["Which gas do green plants take in from the air?", "Write a haiku about a lighthouse.", "Which gas do green plants take in from the air?"]


def test_default_model_is_the_packaged_minilm():
    path, model_id = resolve_model(None)
    assert path.endswith("model") and "all-MiniLM-L6-v2" in model_id
    assert pick_device("cpu") == "cpu" and pick_device("auto") in ("cpu", "cuda")


def test_vectors_normalized_ordered_and_cached(tmp_path):
    first = Embedder(cache_root=tmp_path)
    vectors = first.embed(TEXTS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])
    assert float(vectors[0] @ vectors[1]) < 0.5
    assert first.last.encoded == 2 and first.last.cache_hits == 0
    shards = list(first.cache_dir.glob("part-*.parquet"))
    assert len(shards) == 1 and first.cache_dir.parent.name == "embeddings"

    second = Embedder(cache_root=tmp_path)  # a rebuild: everything comes from the cache, nothing is encoded
    again = second.embed(TEXTS)
    assert second.last.encoded == 0 and second.last.hit_rate == 1.0 and second._model is None
    assert np.array_equal(again, vectors)

    third = Embedder(cache_root=tmp_path)
    mixed = third.embed([TEXTS[1], "A brand new text about volcanoes."])
    assert third.last.cache_hits == 1 and third.last.encoded == 1
    assert np.array_equal(mixed[0], vectors[1])


def test_cache_is_keyed_by_model_settings(tmp_path):
    assert Embedder(cache_root=tmp_path, max_seq_length=128).cache_dir != Embedder(cache_root=tmp_path).cache_dir
    assert Embedder().cache_dir is None


def test_static_vectors_are_cheap_normalized_token_means():
    embedder = Embedder()
    vectors = embedder.static_vectors(["Which gas do green plants take in from the air?", "What gas do plants absorb from the air?", "Write a haiku about a lighthouse.", ""])
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5) and not vectors[3].any()
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_static_vectors_from_the_model_folder_equal_the_loaded_models(tmp_path):
    """The fast path (tokenizer.json + model.safetensors, no torch) gives the same vectors as the
    loaded model's tokenizer and input embeddings, and loads no model."""
    texts = ["  Natalia sold clips to 48 of her friends in April. ", "Ünïcödé ☃ text\nwith lines", "word " * 300, "CamelCase HTTPServer don't 3.14", ""]
    fast = Embedder()
    vectors = fast.static_vectors(texts)
    assert not fast.encoder_loaded
    loaded = Embedder()
    loaded._load_from = str(tmp_path / "not-a-folder")  # no files to read: the loaded model's own tokenizer and table
    loaded._model = Embedder()._encoder()
    assert np.array_equal(vectors, loaded.static_vectors(texts))
