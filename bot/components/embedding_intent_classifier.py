"""Rasa 3.6 intent classifier: logistic regression on the dense sentence features (MiniLM), averaged in
log-probability with a small MLP on the same features (`mlp_head.py`), a character n-gram and a word n-gram
logistic regression on the raw text, and a nearest-neighbour head on the dense features that re-ranks the
in-scope intents (`knn_head.py`).

Its confidences are probabilities, so a FallbackClassifier threshold after it turns low-confidence messages
into `nlu_fallback`. Training takes seconds for the bot's data (scikit-learn only, no TensorFlow).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from threadpoolctl import ThreadpoolController

from bot.components.knn_head import KNN_FILE, KnnHead
from bot.components.linear_head import LinearHead
from bot.components.mlp_head import MLP_FILE, MlpHead
from bot.components.ngram_head import Analyzer, NgramHead

logger = logging.getLogger(__name__)

HEAD_FILE = "head.npz"
# n-gram head -> its config key prefix (char_ngram_weight, word_C, ...).
NGRAM_CONFIG: dict[Analyzer, str] = {"char_wb": "char", "word": "word"}


@lru_cache(maxsize=1)
def _thread_pools() -> ThreadpoolController:
    return ThreadpoolController()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmbeddingIntentClassifier(IntentClassifier, GraphComponent):
    """Multinomial logistic regression over the messages' dense sentence features."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [DenseFeaturizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 10.0,
            "max_iter": 1000,
            "class_weight_balanced": False,
            # Weights of the character and word n-gram heads in the log-probability average (the MiniLM head
            # gets the rest); 0 turns a head off.
            "char_ngram_weight": 0.3,
            "char_ngram_range": [2, 5],
            "char_C": 10.0,
            "word_ngram_weight": 0.0,
            "word_ngram_range": [1, 2],
            "word_C": 10.0,
            # Weight of the nearest-neighbour head (0 turns it off) and its softmax temperature; it never
            # moves a message into or out of `out_of_scope_intent`.
            "knn_weight": 0.0,
            "knn_temperature": 0.02,
            # Weight of the MLP head (0 turns it off): hidden units, L2 penalty, networks averaged.
            "mlp_weight": 0.0,
            "mlp_hidden": 256,
            "mlp_alpha": 1e-3,
            "mlp_seeds": 3,
            "out_of_scope_intent": "out_of_scope",
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        head: LinearHead | None = None,
        ngram_heads: dict[Analyzer, NgramHead] | None = None,
        knn_head: KnnHead | None = None,
        mlp_head: MlpHead | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.head = head
        self.ngram_heads: dict[Analyzer, NgramHead] = dict(ngram_heads or {})
        self.knn_head = knn_head
        self.mlp_head = mlp_head
        weights = {
            **{a: self._weight(a) for a in NGRAM_CONFIG},
            "knn": self._knn_weight(),
            "mlp": self._mlp_weight(),
        }
        if sum(weights.values()) >= 1:
            raise ValueError(f"n-gram, knn and mlp head weights must add up to less than 1, got {weights}")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmbeddingIntentClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmbeddingIntentClassifier:
        try:
            with model_storage.read_from(resource) as model_dir:
                head = LinearHead.load(model_dir / HEAD_FILE)
                loaded = {a: NgramHead.load(model_dir, a) for a in NGRAM_CONFIG}
                ngram_heads = {a: h for a, h in loaded.items() if h is not None}
                knn_head = KnnHead.load(model_dir / KNN_FILE) if (model_dir / KNN_FILE).is_file() else None
                mlp_head = MlpHead.load(model_dir / MLP_FILE) if (model_dir / MLP_FILE).is_file() else None
        except (ValueError, FileNotFoundError):
            logger.warning("EmbeddingIntentClassifier: no trained head found; it will predict no intent.")
            head, ngram_heads, knn_head, mlp_head = None, {}, None, None
        return cls(config, model_storage, resource, head, ngram_heads, knn_head, mlp_head)

    def _weight(self, analyzer: Analyzer) -> float:
        return float(self.config[f"{NGRAM_CONFIG[analyzer]}_ngram_weight"])

    def _knn_weight(self) -> float:
        return float(self.config["knn_weight"])

    def _mlp_weight(self) -> float:
        return float(self.config["mlp_weight"])

    @staticmethod
    def _features(messages: list[Message]) -> np.ndarray:
        rows = []
        for message in messages:
            _, sentence = message.get_dense_features(TEXT)
            if sentence is None:
                raise ValueError(
                    "EmbeddingIntentClassifier needs dense sentence features; put MiniLMFeaturizer "
                    "before it in config.yml."
                )
            rows.append(np.asarray(sentence.features, dtype=np.float32).reshape(-1))
        return np.vstack(rows)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if not examples:
            logger.debug("EmbeddingIntentClassifier: no intent examples, nothing to train.")
            return self._resource
        labels = [str(m.get(INTENT)) for m in examples]
        features = self._features(examples)
        self.head = LinearHead.fit(
            features,
            labels,
            c=float(self.config["C"]),
            max_iter=int(self.config["max_iter"]),
            balanced=bool(self.config["class_weight_balanced"]),
        )
        self.ngram_heads = {}
        texts = [str(m.get(TEXT)) for m in examples]
        for analyzer, key in NGRAM_CONFIG.items():
            if self._weight(analyzer) <= 0 or len(self.head.classes) < 2:
                continue
            low, high = self.config[f"{key}_ngram_range"]
            ngram_head = NgramHead.fit(
                texts,
                labels,
                analyzer=analyzer,
                ngram_range=(int(low), int(high)),
                c=float(self.config[f"{key}_C"]),
                max_iter=int(self.config["max_iter"]),
            )
            if ngram_head.classes != self.head.classes:
                raise ValueError("the intent heads disagree on the intent list")
            self.ngram_heads[analyzer] = ngram_head
        self.knn_head = None
        if self._knn_weight() > 0 and len(self.head.classes) >= 2:
            self.knn_head = KnnHead.fit(
                features,
                labels,
                self.head.classes,
                out_of_scope=str(self.config["out_of_scope_intent"]),
                temperature=float(self.config["knn_temperature"]),
            )
        self.mlp_head = None
        if self._mlp_weight() > 0 and len(self.head.classes) >= 2:
            self.mlp_head = MlpHead.fit(
                features,
                labels,
                hidden=int(self.config["mlp_hidden"]),
                alpha=float(self.config["mlp_alpha"]),
                seeds=int(self.config["mlp_seeds"]),
            )
            if self.mlp_head.classes != self.head.classes:
                raise ValueError("the intent heads disagree on the intent list")
        with self._model_storage.write_to(self._resource) as model_dir:
            self.head.save(model_dir / HEAD_FILE)
            for ngram_head in self.ngram_heads.values():
                ngram_head.save(model_dir)
            if self.knn_head is not None:
                self.knn_head.save(model_dir / KNN_FILE)
            if self.mlp_head is not None:
                self.mlp_head.save(model_dir / MLP_FILE)
        return self._resource

    def predict_proba(self, messages: list[Message]) -> np.ndarray:
        """Intent probabilities, one row per message, columns in the order of `self.head.classes`.

        BLAS runs on one thread here: a message is too small to gain from more, and OpenBLAS's threads keep
        spinning afterwards on the cores that onnxruntime needs for the next MiniLM pass (measured: encode +
        MLP p95 24-28 ms with two BLAS threads, 4.9 ms with one)."""
        with _thread_pools().limit(limits=1, user_api="blas"):
            return self._predict_proba(messages)

    def _predict_proba(self, messages: list[Message]) -> np.ndarray:
        if self.head is None:
            raise ValueError("EmbeddingIntentClassifier is not trained")
        features = self._features(messages)
        dense = np.log(np.clip(self.head.predict_proba(features), 1e-12, None))
        knn_weight = self._knn_weight() if self.knn_head is not None else 0.0
        mlp_weight = self._mlp_weight() if self.mlp_head is not None else 0.0
        if not self.ngram_heads and not knn_weight and not mlp_weight:
            return np.exp(dense)
        texts = [str(m.get(TEXT)) for m in messages]
        weights = {a: self._weight(a) for a in self.ngram_heads}
        mixed = (1 - sum(weights.values()) - knn_weight - mlp_weight) * dense
        if self.mlp_head is not None and mlp_weight:
            mixed = mixed + mlp_weight * self.mlp_head.log_proba(features)
        for analyzer, ngram_head in self.ngram_heads.items():
            mixed = mixed + weights[analyzer] * ngram_head.log_proba(texts)
        if self.knn_head is not None and knn_weight:
            mixed = mixed + knn_weight * self.knn_head.log_proba(features)
        mixed = np.exp(mixed - mixed.max(axis=1, keepdims=True))
        return mixed / mixed.sum(axis=1, keepdims=True)

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if self.head is None or not todo:
            for message in messages:
                message.set(
                    INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True
                )
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            return messages
        probabilities = self.predict_proba(todo)
        length = int(self.config["ranking_length"])
        for message, probs in zip(todo, probabilities, strict=True):
            order = np.argsort(-probs)
            if length > 0:
                order = order[:length]
            ranking = [
                {INTENT_NAME_KEY: self.head.classes[i], PREDICTED_CONFIDENCE_KEY: float(probs[i])}
                for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
