"""Rasa 3.6 component: a plain ask for a person is `ask_human`, whatever the classifier guessed.

Runs after the classifier, the FallbackClassifier and the noise filter, so "yes, a real person, now" hands
off at any turn (inside a script, a form or an offer) instead of getting a guessed article. Rules in
bot/components/person_asks.py.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.components.intent_override import IntentOverride
from bot.components.person_asks import asks_for_person, asks_whether_person_typing

ASK_HUMAN = "ask_human"
BOT_CHALLENGE = "bot_challenge"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonAskFilter(IntentOverride):
    keeps_ranking = True

    def reading(self, text: str) -> str | None:
        # a button payload ("/affirm") is already exact
        if text.startswith("/"):
            return None
        if asks_whether_person_typing(text):
            return BOT_CHALLENGE  # "is that Gemma from the service desk?": say it is a bot, not a handoff
        return ASK_HUMAN if asks_for_person(text) else None
