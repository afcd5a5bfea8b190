"""validate_service_request_form: pick the request type, fill what the customer already said, ask the rest.

The form's slots have `custom` mappings: this action reads each message. On an escape (a person, goodbye,
stop, "forget it", a complaint) it fills nothing and closes the form, so the rules for those intents run and
the customer is never trapped in the form.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.requests import details
from actions.requests.catalogue import catalogue

FORM = "service_request_form"
TYPE_SLOT = "request_type"
ESCAPE_INTENTS = frozenset(
    {
        "ask_human",
        "goodbye",
        "cancel",
        "complain",
        "request_callback",
        "stop",
        "deny_request",
        "unsupported_language",
    }
)


DIGRESSION_INTENTS = {"bot_challenge": 0.8}
"""Answered by a rule outside the form ("wait, is this automated?"), then the form asks its question again:
the message fills no detail (data/rules/requests.yml)."""


def is_digression(tracker: Tracker) -> bool:
    intent = tracker.latest_message.get("intent") or {}
    threshold = DIGRESSION_INTENTS.get(str(intent.get("name") or ""))
    return threshold is not None and float(intent.get("confidence") or 0.0) >= threshold


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def first_request_text(tracker: Tracker) -> str:
    """The message that started the request (the latest request_service message), else the latest one."""
    for event in reversed(tracker.events):
        if (
            event.get("event") == "user"
            and (event.get("parse_data") or {}).get("intent", {}).get("name") == "request_service"
        ):
            return str(event.get("text") or "")
    return str(tracker.latest_message.get("text") or "")


class ValidateServiceRequestForm(FormValidationAction):
    def name(self) -> str:
        return "validate_service_request_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        kind = catalogue().types.get(str(tracker.get_slot(TYPE_SLOT) or ""))
        return [TYPE_SLOT, *(catalogue().slots_for(kind) if kind else [])]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if latest_intent(tracker) in ESCAPE_INTENTS:
            return [SlotSet("requested_slot", None), ActiveLoop(None)]
        if is_digression(tracker):
            return []  # no detail filled: the form rejects this turn and the digression rule answers
        return await super().run(dispatcher, tracker, domain)

    async def extract_request_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """On the first message: the type and every detail it states. Later: the answer to the question."""
        text = str(tracker.latest_message.get("text") or "")
        if text.startswith("/") or latest_intent(tracker) in ESCAPE_INTENTS:
            return {}
        events: dict[str, Any] = {}
        kind_id = tracker.get_slot(TYPE_SLOT)
        requested = tracker.get_slot("requested_slot")
        if kind_id is None:
            kind = catalogue().classify(text if requested == TYPE_SLOT else first_request_text(tracker))
            if kind is None:
                return {}
            events[TYPE_SLOT] = kind.id
        else:
            kind = catalogue().types.get(str(kind_id))
            if kind is None:
                return {}
        slots = catalogue().slots_for(kind)
        if requested in slots:
            value = details.answer(str(requested), text)
            if value:
                events[str(requested)] = value
        source = first_request_text(tracker) if kind_id is None and requested != TYPE_SLOT else text
        for slot, value in details.extract(source, slots).items():
            if slot not in events and not tracker.get_slot(slot):
                events[slot] = value
        return events

    async def validate_request_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in catalogue().types:
            return {TYPE_SLOT: value}
        dispatcher.utter_message(response="utter_request_type_unclear")
        return {TYPE_SLOT: None}
