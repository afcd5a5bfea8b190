"""The customer left before anything ended the conversation: slot `resolution` says so.

A goodbye and a stopped service request both end the conversation this way. A conversation the assistant
already solved, or already handed to a person, keeps that outcome.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

RESOLUTION_SLOT = "resolution"
ENDED = ("resolved_by_assistant", "handed_off")
"""Outcomes that a customer's leaving afterwards does not change."""


def customer_left(tracker: Tracker) -> list[EventType]:
    """The event that records the customer left, or none when the conversation already has its outcome."""
    if tracker.get_slot(RESOLUTION_SLOT) in ENDED:
        return []
    return [SlotSet(RESOLUTION_SLOT, "customer_left")]
