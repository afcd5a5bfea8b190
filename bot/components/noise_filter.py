"""Rasa 3.6 component: wordless messages ("👍", "???", keyboard mash) get the intent they stand for.

Runs after the classifier and the FallbackClassifier, so "👍" is a confident affirm inside a script and "???"
is `noise` (answered with the main topics) instead of a guessed help article. Rules in bot/components/noise.py.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.components.intent_override import IntentOverride
from bot.components.noise import read_noise


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NoiseFilter(IntentOverride):
    def reading(self, text: str) -> str | None:
        return read_noise(text)
