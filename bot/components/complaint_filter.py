"""Rasa 3.6 component: a plain complaint is `complain` (apologise, offer a person), whatever fault it names.

Runs after the classifier and the fallback, before the person-ask filter (an ask for a person in the same
message still hands off at once). Rules in bot/components/complaints.py.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.components.complaints import complains
from bot.components.intent_override import IntentOverride

COMPLAIN = "complain"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ComplaintFilter(IntentOverride):
    keeps_ranking = True

    def reading(self, text: str) -> str | None:
        return COMPLAIN if not text.startswith("/") and complains(text) else None
