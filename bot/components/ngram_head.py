"""TF-IDF n-gram + logistic-regression intent heads: character n-grams and word n-grams.

They see what sentence embeddings blur: spelling (typos, product names, error codes: the character head) and
exact words and short phrases ("how do I", "won't": the word head). Their mistakes differ from the embedding
head's, so averaging the heads' log-probabilities beats any one of them (docs/nlu.md).
Stored as JSON vocabulary + numpy arrays (no pickle).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np

from bot.components.linear_head import LinearHead

Analyzer = Literal["char_wb", "word"]
# Words of one character count too ("i", "a", "2"), unlike sklearn's default pattern.
WORD_PATTERN = r"(?u)\b\w+\b"
FILE_PREFIX: dict[str, str] = {"char_wb": "char_", "word": "word_"}
DEFAULT_RANGE: dict[str, tuple[int, int]] = {"char_wb": (2, 5), "word": (1, 2)}


def _vectorizer_args(analyzer: Analyzer) -> dict[str, Any]:
    if analyzer == "word":
        return {"analyzer": "word", "token_pattern": WORD_PATTERN}
    return {"analyzer": "char_wb"}


@dataclass(frozen=True)
class NgramHead:
    analyzer: Analyzer
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
        analyzer: Analyzer = "char_wb",
        ngram_range: tuple[int, int] | None = None,
        min_df: int = 2,
        c: float = 10.0,
        max_iter: int = 1000,
    ) -> NgramHead:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            **_vectorizer_args(analyzer),
            ngram_range=ngram_range or DEFAULT_RANGE[analyzer],
            lowercase=True,
            sublinear_tf=True,
            min_df=min_df if len(texts) >= 10 * min_df else 1,
            dtype=np.float32,
        )
        matrix = vectorizer.fit_transform(list(texts))
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        head = LinearHead.fit(matrix, labels, c=c, max_iter=max_iter, balanced=False)
        idf = vectorizer.idf_.astype(np.float32)
        return cls(analyzer, vocabulary, idf, ngram_range or DEFAULT_RANGE[analyzer], head)

    @cached_property
    def _counter(self) -> Any:
        """The fitted n-gram counter, built once: checking a large vocabulary on every message costs ms."""
        from sklearn.feature_extraction.text import CountVectorizer

        counter = CountVectorizer(
            **_vectorizer_args(self.analyzer),
            ngram_range=self.ngram_range,
            lowercase=True,
            vocabulary=self.vocabulary,
            dtype=np.float32,
        )
        counter.fit([])  # no learning with a fixed vocabulary: validates it once
        return counter

    def transform(self, texts: Sequence[str]):
        """Same vectors as the fitted TfidfVectorizer: 1 + log(count), times idf, unit length rows.

        Done on the sparse matrix's arrays directly: scipy's and sklearn's generic helpers cost milliseconds
        per message in checks, which matters when Rasa parses one message at a time.
        """
        counts = self._counter.transform(list(texts)).tocsr()
        data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=counts.shape[0]))
        norms[norms == 0] = 1.0
        counts.data = (data / norms[rows]).astype(np.float32)
        return counts

    def log_proba(self, texts: Sequence[str]) -> np.ndarray:
        z = np.asarray(self.head.logits(self.transform(texts)))
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def save(self, folder: Path) -> None:
        prefix = FILE_PREFIX[self.analyzer]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{prefix}vocabulary.json").write_text(
            json.dumps(
                {
                    "analyzer": self.analyzer,
                    "ngram_range": list(self.ngram_range),
                    "vocabulary": self.vocabulary,
                }
            )
        )
        np.save(folder / f"{prefix}idf.npy", self.idf)
        self.head.save(folder / f"{prefix}head.npz")

    @classmethod
    def load(cls, folder: Path, analyzer: Analyzer) -> NgramHead | None:
        """The saved head for this analyzer, or None when the folder has none."""
        prefix = FILE_PREFIX[analyzer]
        if not (folder / f"{prefix}head.npz").is_file():
            return None
        meta = json.loads((folder / f"{prefix}vocabulary.json").read_text())
        low, high = meta["ngram_range"]
        return cls(
            analyzer,
            {str(k): int(v) for k, v in meta["vocabulary"].items()},
            np.load(folder / f"{prefix}idf.npy", allow_pickle=False),
            (int(low), int(high)),
            LinearHead.load(folder / f"{prefix}head.npz"),
        )
