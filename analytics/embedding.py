"""MiniLM vectors for texts through the knowledge base's embedder, each distinct text encoded once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge_base.embedder import Embedder, SentenceTransformerEmbedder

_DEFAULT: Embedder | None = None


def default_embedder() -> Embedder:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = SentenceTransformerEmbedder()
    return _DEFAULT


def embed(texts: Sequence[str], embedder: Embedder | None = None) -> np.ndarray:
    model = embedder or default_embedder()
    unique = sorted(set(texts))
    if not unique:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = model.encode(unique)
    index = {text: i for i, text in enumerate(unique)}
    return vectors[[index[t] for t in texts]]
