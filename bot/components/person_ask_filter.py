"""Rasa 3.6 component: a plain ask for a person is `ask_human`, whatever the classifier guessed.

Runs after the classifier, the FallbackClassifier and the noise filter, so "yes, a real person, now" hands
off at any turn (inside a script, a form or an offer) instead of getting a guessed article. Rules in
bot/components/person_asks.py.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.person_asks import asks_for_person

ASK_HUMAN = "ask_human"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonAskFilter(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PersonAskFilter:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/") or not asks_for_person(text):
                continue  # a button payload is already exact
            reading = {"name": ASK_HUMAN, "confidence": 1.0}
            ranking = [reading] + [
                other for other in message.get(INTENT_RANKING_KEY) or [] if other.get("name") != ASK_HUMAN
            ]
            message.set(INTENT, reading, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
