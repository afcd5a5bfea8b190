"""Rasa 3.6 intent classifier: logistic regression on the dense sentence features (MiniLM).

Its confidences are softmax probabilities, so a FallbackClassifier threshold after it turns low-confidence
messages into `nlu_fallback`. Training takes about a second for the bot's data (no epochs, no TensorFlow).
"""

from __future__ import annotations

import logging
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

from bot.components.linear_head import LinearHead

logger = logging.getLogger(__name__)

HEAD_FILE = "head.npz"


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
        return {"C": 10.0, "max_iter": 1000, "class_weight_balanced": True, "ranking_length": 10}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        head: LinearHead | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.head = head

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
        except (ValueError, FileNotFoundError):
            logger.warning("EmbeddingIntentClassifier: no trained head found; it will predict no intent.")
            head = None
        return cls(config, model_storage, resource, head)

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
        self.head = LinearHead.fit(
            self._features(examples),
            [str(m.get(INTENT)) for m in examples],
            c=float(self.config["C"]),
            max_iter=int(self.config["max_iter"]),
            balanced=bool(self.config["class_weight_balanced"]),
        )
        with self._model_storage.write_to(self._resource) as model_dir:
            self.head.save(model_dir / HEAD_FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if self.head is None or not todo:
            for message in messages:
                message.set(
                    INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True
                )
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            return messages
        probabilities = self.head.predict_proba(self._features(todo))
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
