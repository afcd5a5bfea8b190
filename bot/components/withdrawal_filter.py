"""Rasa 3.6 component: a message that ends by taking back the request ("... forget it") is `cancel`.

Runs after the classifier and the noise filter and before the person-ask filter (an ask for a person still
wins). Rules in bot/components/withdrawals.py; the rules for `cancel` inside each form stop it without
logging anything.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.components.intent_override import IntentOverride
from bot.components.withdrawals import withdraws

CANCEL = "cancel"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class WithdrawalFilter(IntentOverride):
    keeps_ranking = True

    def reading(self, text: str) -> str | None:
        return CANCEL if not text.startswith("/") and withdraws(text) else None
