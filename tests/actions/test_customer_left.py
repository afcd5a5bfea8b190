"""A goodbye and a stopped service request record that the customer left, unless the conversation was
already solved or handed to a person (the support record reads slot `resolution`)."""

from __future__ import annotations

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionGoodbye
from actions.requests.stopped import ActionRequestStopped


def _tracker(resolution: str | None) -> Tracker:
    return Tracker(
        sender_id="customer-42",
        slots={"resolution": resolution, "pending_offer": "person"},
        latest_message={"text": "bye", "intent": {"name": "goodbye"}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize(
    ("action", "after"), [(ActionGoodbye(), [SlotSet("pending_offer", None)]), (ActionRequestStopped(), [])]
)
@pytest.mark.parametrize("before", [None, "unfinished", "customer_left"])
async def test_leaving_an_open_conversation_records_that_the_customer_left(
    action: Action, after: list[SlotSet], before: str | None
) -> None:
    events = await action.run(CollectingDispatcher(), _tracker(before), {})
    assert events == [SlotSet("resolution", "customer_left"), *after]


@pytest.mark.parametrize(
    ("action", "after"), [(ActionGoodbye(), [SlotSet("pending_offer", None)]), (ActionRequestStopped(), [])]
)
@pytest.mark.parametrize("before", ["resolved_by_assistant", "handed_off"])
async def test_leaving_after_a_fix_or_a_handoff_keeps_that_outcome(
    action: Action, after: list[SlotSet], before: str
) -> None:
    dispatcher = CollectingDispatcher()
    assert await action.run(dispatcher, _tracker(before), {}) == after
    assert len(dispatcher.messages) == 1  # the goodbye (or "nothing was logged") is still said
