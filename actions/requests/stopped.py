"""The customer stopped a service request before it was logged ("actually cancel that")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

RESOLUTION_SLOT = "resolution"


class ActionRequestStopped(Action):
    """Say nothing was logged, and record that the customer left (unless something was already solved)."""

    def name(self) -> str:
        return "action_request_stopped"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_request_stopped")
        if tracker.get_slot(RESOLUTION_SLOT) in ("resolved_by_assistant", "handed_off"):
            return []
        return [SlotSet(RESOLUTION_SLOT, "customer_left")]
