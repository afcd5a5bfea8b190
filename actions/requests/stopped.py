"""The customer stopped a service request before it was logged ("actually cancel that")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.customer_left import customer_left


class ActionRequestStopped(Action):
    """Say nothing was logged, and record that the customer left (unless something was already solved)."""

    def name(self) -> str:
        return "action_request_stopped"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_request_stopped")
        return customer_left(tracker)
