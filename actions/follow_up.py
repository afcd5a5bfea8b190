"""A short follow-up to the article just shown ("ok got a text with a code, where does that go", "ugh i already
clicked it and put my login in").

On its own such a message names nothing MiniLM can match ("that" is the reset page, "it" the bait link), so it
is read together with the question the article answered. Only short messages that point back ("that", "it",
"there") count; "yes" / "no" / thanks to "Did this solve it?" never reach here.
"""

from __future__ import annotations

import re

MAX_WORDS = 30
"""A follow-up ("ok installed it and scanned the qr thing, the app is showing a code, do i type that into the
page on my computer?") can be long; a new question of its own rarely points back with "it"/"that"."""
_POINTS_BACK = re.compile(
    r"\b(that|it|this|there|those|them|these)\b(?! (morning|afternoon|evening|week|weekend|month|year|time)\b)",
    re.IGNORECASE,
)
""""this morning" points at a time, not back at the article."""


def refers_back(text: str) -> bool:
    """True for "where does that go?", "i already clicked it"; False for a new question of its own."""
    words = text.split()
    return 0 < len(words) <= MAX_WORDS and bool(_POINTS_BACK.search(text))


def with_context(text: str, previous_question: str | None) -> str:
    """The text to look up: the previous question and this one together when this one points back to it."""
    if previous_question and refers_back(text):
        return f"{previous_question.rstrip(' .?!')}. {text}"
    return text
