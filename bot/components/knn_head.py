"""Nearest-neighbour intent head: how close a message is to each intent's closest training example.

It re-ranks the in-scope intents only. Each intent's score is the cosine similarity to its nearest training
example; a softmax with a low temperature turns the scores into log-probabilities. The out-of-scope intent
gets the same log-probability as the best in-scope intent, so this head never pushes a message into or out
of scope (its similarity to the scattered out-of-scope examples was a poor signal, docs/nlu.md); the
linear heads decide that. Stored as .npz (float16 vectors, no pickle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KNN_FILE = "knn.npz"


@dataclass(frozen=True)
class KnnHead:
    classes: tuple[str, ...]  # the same order as the linear heads' classes
    vectors: (
        np.ndarray
    )  # (n_examples, dim) float32, in-scope training examples, unit length (float16 on disk)
    starts: np.ndarray  # (n_in_scope_classes,) first row of each in-scope class in `vectors`
    in_scope: np.ndarray  # (n_in_scope_classes,) column index in `classes` of each block of `vectors`
    temperature: float

    @classmethod
    def fit(
        cls,
        features: np.ndarray,
        labels: Sequence[str],
        classes: Sequence[str],
        out_of_scope: str,
        temperature: float = 0.02,
    ) -> KnnHead:
        if features.shape[0] != len(labels):
            raise ValueError(f"{features.shape[0]} feature rows but {len(labels)} labels")
        if temperature <= 0:
            raise ValueError(f"temperature must be positive, got {temperature}")
        names = tuple(classes)
        if set(labels) - set(names):
            raise ValueError(f"labels not among the classes: {sorted(set(labels) - set(names))}")
        column = {name: i for i, name in enumerate(names)}
        blocks, starts, in_scope, row = [], [], [], 0
        for name in names:
            if name == out_of_scope:
                continue
            rows = np.asarray([i for i, label in enumerate(labels) if label == name])
            if rows.size == 0:
                continue
            block = np.asarray(features[rows], dtype=np.float32)
            block /= np.clip(np.linalg.norm(block, axis=1, keepdims=True), 1e-12, None)
            blocks.append(block)
            starts.append(row)
            in_scope.append(column[name])
            row += len(rows)
        dim = features.shape[1]
        vectors = np.vstack(blocks) if blocks else np.zeros((0, dim), np.float32)
        return cls(
            names,
            vectors.astype(np.float32),
            np.asarray(starts, dtype=np.int64),
            np.asarray(in_scope, dtype=np.int64),
            float(temperature),
        )

    def log_proba(self, features: np.ndarray) -> np.ndarray:
        """(n_messages, n_classes) log-probabilities; the out-of-scope column (and any intent without
        examples) equals the best in-scope intent's."""
        x = np.asarray(features, dtype=np.float32)
        x = x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)
        out = np.zeros((x.shape[0], len(self.classes)), dtype=np.float32)
        if self.starts.size == 0:
            return out
        similarity = x @ self.vectors.T
        nearest = np.maximum.reduceat(similarity, self.starts, axis=1) / self.temperature
        nearest -= nearest.max(axis=1, keepdims=True)
        log_p = nearest - np.log(np.exp(nearest).sum(axis=1, keepdims=True))
        out[:] = log_p.max(axis=1, keepdims=True)  # neutral columns: out of scope, intents with no examples
        out[:, self.in_scope] = log_p
        return out

    def save(self, path: Path) -> None:
        np.savez(
            path,
            classes=np.array(self.classes, dtype=str),
            vectors=self.vectors.astype(np.float16),
            starts=self.starts,
            in_scope=self.in_scope,
            temperature=np.array(self.temperature),
        )

    @classmethod
    def load(cls, path: Path) -> KnnHead:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                tuple(str(x) for x in data["classes"]),
                data["vectors"].astype(np.float32),
                data["starts"],
                data["in_scope"],
                float(data["temperature"]),
            )
