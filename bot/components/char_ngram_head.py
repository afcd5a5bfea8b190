"""A character n-gram TF-IDF + logistic-regression intent head.

It sees spelling (typos, product names, error codes) that sentence embeddings blur, and it makes mistakes
unlike the embedding head's, so averaging the two heads' log-probabilities beats either alone (docs/nlu.md).
Stored as JSON vocabulary + numpy arrays (no pickle).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.components.linear_head import LinearHead


def _counter(vocabulary: dict[str, int] | None, ngram_range: tuple[int, int]):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer="char_wb", ngram_range=ngram_range, lowercase=True, vocabulary=vocabulary, dtype=np.float32
    )


@dataclass(frozen=True)
class CharNgramHead:
    vocabulary: dict[str, int]
    idf: np.ndarray
    ngram_range: tuple[int, int]
    head: LinearHead

    @property
    def classes(self) -> tuple[str, ...]:
        return self.head.classes

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
        c: float = 10.0,
        max_iter: int = 1000,
    ) -> CharNgramHead:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            lowercase=True,
            sublinear_tf=True,
            min_df=min_df if len(texts) >= 10 * min_df else 1,
            dtype=np.float32,
        )
        matrix = vectorizer.fit_transform(list(texts))
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        head = LinearHead.fit(matrix, labels, c=c, max_iter=max_iter, balanced=False)
        return cls(vocabulary, vectorizer.idf_.astype(np.float32), ngram_range, head)

    def transform(self, texts: Sequence[str]):
        """Same vectors as the fitted TfidfVectorizer: 1 + log(count), times idf, unit length rows."""
        from sklearn.preprocessing import normalize

        counts = _counter(self.vocabulary, self.ngram_range).transform(list(texts)).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        return normalize(counts.multiply(self.idf).tocsr(), norm="l2", copy=False)

    def log_proba(self, texts: Sequence[str]) -> np.ndarray:
        z = np.asarray(self.head.logits(self.transform(texts)))
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "char_vocabulary.json").write_text(
            json.dumps({"ngram_range": list(self.ngram_range), "vocabulary": self.vocabulary})
        )
        np.save(folder / "char_idf.npy", self.idf)
        self.head.save(folder / "char_head.npz")

    @classmethod
    def load(cls, folder: Path) -> CharNgramHead:
        meta = json.loads((folder / "char_vocabulary.json").read_text())
        low, high = meta["ngram_range"]
        return cls(
            {str(k): int(v) for k, v in meta["vocabulary"].items()},
            np.load(folder / "char_idf.npy", allow_pickle=False),
            (int(low), int(high)),
            LinearHead.load(folder / "char_head.npz"),
        )
