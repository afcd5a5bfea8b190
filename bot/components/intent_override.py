"""Base for Rasa 3.6 components that overrule the classifier with a rule: when `reading` names an intent
for the message, it becomes the intent at confidence 1.0 (the noise filter, the person-ask filter)."""

from __future__ import annotations

from typing import Any, ClassVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


class IntentOverride(GraphComponent):
    # Keep the classifier's other intents in the ranking, below the rule's (else the rule's intent alone).
    keeps_ranking: ClassVar[bool] = False

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentOverride:
        return cls()

    def reading(self, text: str) -> str | None:
        """The intent this message certainly is, or None to leave the classifier's."""
        raise NotImplementedError

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = self.reading(str(message.get(TEXT) or ""))
            if intent is None:
                continue
            reading = {"name": intent, "confidence": 1.0}
            ranking = [reading]
            if self.keeps_ranking:
                ranking += [o for o in message.get(INTENT_RANKING_KEY) or [] if o.get("name") != intent]
            message.set(INTENT, reading, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
