"""A multinomial logistic-regression intent head over sentence embeddings, stored as plain numpy arrays.

Kept free of Rasa so it can be tested and benchmarked on its own; saved as .npz (no pickle), so loading a
model never runs code from the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class LinearHead:
    classes: tuple[str, ...]
    weights: np.ndarray  # (n_classes, dim)
    bias: np.ndarray  # (n_classes,)

    @classmethod
    def fit(
        cls,
        features: np.ndarray | Any,
        labels: Sequence[str],
        c: float = 10.0,
        max_iter: int = 1000,
        balanced: bool = True,
    ) -> LinearHead:
        rows = features.shape[0]
        if rows != len(labels):
            raise ValueError(f"{rows} feature rows but {len(labels)} labels")
        if len(labels) == 0:
            raise ValueError("cannot fit an intent head on no examples")
        names = sorted(set(labels))
        if len(names) == 1:
            dim = features.shape[1]
            return cls((names[0],), np.zeros((1, dim), np.float32), np.zeros(1, np.float32))

        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(
            C=c, max_iter=max_iter, class_weight="balanced" if balanced else None, random_state=0
        )
        model.fit(features, list(labels))
        weights, bias = model.coef_, model.intercept_
        if len(names) == 2:  # sklearn keeps one row for two classes; softmax([0, z]) == sigmoid(z)
            weights = np.vstack([np.zeros_like(weights), weights])
            bias = np.concatenate([[0.0], bias])
        return cls(tuple(str(x) for x in model.classes_), weights.astype(np.float32), bias.astype(np.float32))

    def logits(self, features: np.ndarray | Any) -> np.ndarray:
        return features @ self.weights.T + self.bias

    def predict_proba(self, features: np.ndarray | Any) -> np.ndarray:
        z = np.asarray(self.logits(features))
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        np.savez(path, classes=np.array(self.classes, dtype=str), weights=self.weights, bias=self.bias)

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(str(x) for x in data["classes"]), data["weights"], data["bias"])
