"""Turns that belong to no single flow: complaints, goodbyes and a typed "yes" or "no" to an offer.

Each one records how the conversation stands (slot `resolution`), so the support record and the conversation
benchmark read what happened from the tracker instead of from the wording.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

RESOLUTION_SLOT = "resolution"
OFFER_SLOT = "pending_offer"
PERSON = "person"

FIXED_WORDS = re.compile(
    r"\b(worked|works( now)?|working( now)?|fixed|solved|sorted|did the trick|that did it|that's it|"
    r"all good now|perfect)\b",
    re.IGNORECASE,
)
NOT_FIXED_WORDS = re.compile(r"\b(not|n't|still|didn'?t|doesn'?t|no luck)\b", re.IGNORECASE)


def says_fixed(text: str) -> bool:
    """True for "that worked, thanks!" and the like; "thanks, but it's still broken" is not a fix."""
    return bool(FIXED_WORDS.search(text)) and not NOT_FIXED_WORDS.search(text)


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


class ActionComplaint(Action):
    """A complaint outside a script: apologise first and offer a person, marked urgent.

    The customer chooses: a person at once (their "yes" is then an explicit request, at high priority), or
    carry on with the bot. Venting is not forced into a queue.
    """

    def name(self) -> str:
        return "action_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_complain_apology")
        return [SlotSet("handoff_priority", "high"), SlotSet(OFFER_SLOT, PERSON)]


class ActionAnswerOffer(Action):
    """A typed "yes" or "no" that no more specific rule claimed: it answers the bot's latest offer."""

    def name(self) -> str:
        return "action_answer_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        offer = tracker.get_slot(OFFER_SLOT)
        if offer == PERSON and intent == "affirm":
            return [SlotSet(OFFER_SLOT, None), FollowupAction("action_request_human")]
        if offer == PERSON:
            dispatcher.utter_message(
                text="OK, no person for now. Tell me what is going wrong, and I'll do my best to help. "
                'You can say "talk to a person" at any time.'
            )
            return [SlotSet(OFFER_SLOT, None)]
        if intent == "affirm":
            dispatcher.utter_message(text="OK. What can I help you with?")
        else:
            dispatcher.utter_message(
                text='OK. Tell me what you need help with, or say "talk to a person" if you\'d rather.'
            )
        return []


class ActionGoodbye(Action):
    """Goodbye outside a script: close politely and record that the customer left (unless already solved)."""

    def name(self) -> str:
        return "action_goodbye"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_goodbye")
        if tracker.get_slot(RESOLUTION_SLOT) in ("resolved_by_assistant", "handed_off"):
            return [SlotSet(OFFER_SLOT, None)]
        return [SlotSet(RESOLUTION_SLOT, "customer_left"), SlotSet(OFFER_SLOT, None)]
