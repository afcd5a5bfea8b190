"""Rasa 3.6 component: wordless messages ("👍", "???", keyboard mash) get the intent they stand for.

Runs after the classifier and the FallbackClassifier, so "👍" is a confident affirm inside a script and "???"
is `noise` (answered with the main topics) instead of a guessed help article. Rules in bot/components/noise.py.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.noise import read_noise


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NoiseFilter(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NoiseFilter:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = read_noise(str(message.get(TEXT) or ""))
            if intent is None:
                continue
            reading = {"name": intent, "confidence": 1.0}
            message.set(INTENT, reading, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [reading], add_to_output=True)
        return messages
