"""BM25 keyword search (bm25s), used alongside dense search."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self._n = len(texts)
        self._retriever = bm25s.BM25()
        if self._n:
            tokens = bm25s.tokenize(list(texts), stopwords="en", show_progress=False)
            self._retriever.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (scores, ids) of the top-k texts; empty when nothing matches a query word."""
        import bm25s

        if not self._n or not query.strip():
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not tokens.ids or not tokens.ids[0]:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        ids, scores = self._retriever.retrieve(tokens, k=min(k, self._n), show_progress=False)
        keep = scores[0] > 0
        return scores[0][keep].astype(np.float32), ids[0][keep].astype(np.int64)
