"""Rasa 3.6 component: an unsure request reading becomes `request_service` when the words ask for something new.

Runs after IntentFloors. When the message fell to `nlu_fallback` but the classifier's best intent is still
`request_service` (at least `min_confidence`) and the message asks to get something with no fault in it
(bot/components/request_asks.py), the request form starts instead of a knowledge-base guess.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.request_asks import asks_for_something_new

REQUEST = "request_service"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RequestAskFilter(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_confidence": 0.35}

    def __init__(self, min_confidence: float) -> None:
        self.min_confidence = min_confidence

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RequestAskFilter:
        return cls(float(config.get("min_confidence", 0.35)))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") != DEFAULT_NLU_FALLBACK_INTENT_NAME:
                continue
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get("name") != DEFAULT_NLU_FALLBACK_INTENT_NAME
            ]
            text = str(message.get(TEXT) or "")
            if not ranking or ranking[0].get("name") != REQUEST or text.startswith("/"):
                continue
            sure_enough = float(ranking[0].get("confidence") or 0.0) >= self.min_confidence
            if not sure_enough or not asks_for_something_new(text):
                continue
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
