"""A short follow-up question about the article just shown ("ok got a text with a code, where does that go").

On its own such a message names nothing MiniLM can match ("that" is the reset page), so it is read together
with the question the article answered. Only short questions that point back ("that", "it", "there") count.
"""

from __future__ import annotations

import re

MAX_WORDS = 16
_POINTS_BACK = re.compile(r"\b(that|it|this|there|those|them|these)\b", re.IGNORECASE)
_ASKS = re.compile(r"\?|\b(where|what|how|which|when|do i|does it|can i|should i)\b", re.IGNORECASE)


def refers_back(text: str) -> bool:
    """True for "where does that go?", "what do I do with it"; False for a new question of its own."""
    words = text.split()
    return 0 < len(words) <= MAX_WORDS and bool(_POINTS_BACK.search(text)) and bool(_ASKS.search(text))


def with_context(text: str, previous_question: str | None) -> str:
    """The text to look up: the previous question and this one together when this one points back to it."""
    if previous_question and refers_back(text):
        return f"{previous_question.rstrip(' .?!')}. {text}"
    return text
