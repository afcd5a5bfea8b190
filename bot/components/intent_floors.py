"""Rasa 3.6 component: intents that start something big need more confidence than the general fallback floor.

A service request opens a form ("What kind of request is it?"), so a weak request reading of a fault report
("the hr portal keeps showing me the old rota", 0.52) traps the customer in the wrong conversation. Below its
floor such a reading becomes `nlu_fallback`, as the FallbackClassifier does below its threshold, and the
knowledge base and the uncertainty rules take over. Runs after the FallbackClassifier.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentFloors(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"floors": {}, "fallback_confidence": 0.5}

    def __init__(self, floors: dict[str, float], fallback_confidence: float) -> None:
        self.floors = {str(k): float(v) for k, v in floors.items()}
        self.fallback_confidence = fallback_confidence

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentFloors:
        return cls(config.get("floors") or {}, float(config.get("fallback_confidence", 0.5)))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            floor = self.floors.get(str(intent.get("name")))
            if floor is None or float(intent.get("confidence") or 0.0) >= floor:
                continue
            fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": self.fallback_confidence}
            ranking = [fallback, *(message.get(INTENT_RANKING_KEY) or [])]
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
