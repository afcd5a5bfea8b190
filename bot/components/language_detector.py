"""Rasa 3.6 NLU component: a confidently non-English message becomes intent `unsupported_language`.

Runs after the intent classifiers (and the FallbackClassifier). It adds the entity `customer_language`
(ISO 639-1), which fills the slot of the same name, so the reply can be picked in that language.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.languages.detect import detect_foreign, detector

INTENT_NAME = "unsupported_language"
ENTITY_NAME = "customer_language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageDetector(GraphComponent):
    """Overrides the intent of a message written in a language the assistant does not support."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["lingua"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        detector()  # load the language models when Rasa loads the model, not on the first message
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._mark(message)
        return messages

    @staticmethod
    def _mark(message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or text.startswith("/"):
            return  # button payloads are not language
        found = detect_foreign(text)
        if found is None:
            return
        intent = {"name": INTENT_NAME, "confidence": found.confidence}
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        entity = {
            "entity": ENTITY_NAME,
            "value": found.language,
            "start": 0,
            "end": len(text),
            "confidence_entity": found.confidence,
            "extractor": "LanguageDetector",
        }
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
