"""The one-tap satisfaction survey after the assistant itself solved the problem.

Agents' resolves are rated on their ticket (actions/handoff.py). When the bot solved it there is no ticket, so
the rating and optional comment stay in the conversation record (slots `handoff_rating`, `handoff_comment`,
with `resolution` = resolved_by_assistant), where the manager's reports read them.
"""

from __future__ import annotations

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import RATING_BUTTONS

QUESTION = (
    "If you have a second: how well did I help? Tap a number from 1 (poor) to 5 (great). It's optional."
)


def ask(dispatcher: CollectingDispatcher) -> list[EventType]:
    dispatcher.utter_message(text=QUESTION, buttons=RATING_BUTTONS)
    return []
