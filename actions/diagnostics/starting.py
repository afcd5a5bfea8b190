"""Start a diagnostic script from an action outside the diagnostic form (a KB answer, a chosen problem).

The script's state goes into its slot at the customer's current turn, and the form takes over at once.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet

from actions.diagnostics.catalog import get_engine

STATE_SLOT = "diagnostic_state"
FORM = "diagnostic_form"
INTRO = (
    "Let's work through this together, one step at a time: {title}. I'll say why each step matters. "
    'You can say "why", "not sure", "go back" or "stop" at any time.'
)

SKIPPED = "From what you told me, we can skip the first checks."


def user_turns(tracker: Tracker) -> int:
    """How many messages the customer has sent in this conversation."""
    return sum(1 for event in tracker.events if event.get("event") == "user")


def start_script(
    tracker: Tracker, diagnostic_id: str, level: Any, message: str | None = None
) -> list[EventType]:
    """The events that start `diagnostic_id` at `level` (None: the script asks) and hand over to its form.
    `message`: the customer's first words about the problem, so the checks they already answer are skipped."""
    state = get_engine().start(diagnostic_id, level, message).evolve(turn=user_turns(tracker))
    return [SlotSet(STATE_SLOT, state.to_dict()), FollowupAction(FORM)]
