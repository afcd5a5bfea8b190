"""action_submit_service_request: read the request back, log it as a request ticket, say number and time."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import handoff_client
from actions.requests.catalogue import catalogue
from actions.requests.form import ESCAPE_INTENTS, TYPE_SLOT, latest_intent
from actions.requests.ticket import build_request_ticket, collected, fulfilment_time
from handoff.errors import RequestRejected, ServiceUnavailable

log = logging.getLogger(__name__)
REQUEST_SLOTS = (
    "request_type",
    "request_item",
    "request_for",
    "request_by_when",
    "request_reason",
    "request_approver",
)


def clear_request() -> list[EventType]:
    return [SlotSet(slot, None) for slot in REQUEST_SLOTS]


class ActionSubmitServiceRequest(Action):
    def name(self) -> str:
        return "action_submit_service_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = catalogue().types.get(str(tracker.get_slot(TYPE_SLOT) or ""))
        missing = kind is None or any(not tracker.get_slot(s) for s in catalogue().slots_for(kind))
        if latest_intent(tracker) in ESCAPE_INTENTS or kind is None or missing:
            return clear_request()  # the form was left early: nothing to log
        detail = collected(tracker, kind, catalogue())
        lines = "\n".join(f"- {label}: {value}" for label, value in detail.items())
        client = handoff_client()
        try:
            if client is None:
                raise ServiceUnavailable("handoff service not configured")
            answer = await client.create_handoff(build_request_ticket(tracker, kind, detail))
        except (ServiceUnavailable, RequestRejected) as exc:
            log.error("conversation %s: request not logged: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text=f"Here is your {kind.title.lower()} request:\n{lines}\n\n"
                "Sorry, something went wrong on our side and I could not log it just now. Your details are "
                'kept in this chat. Please try again in a few minutes by typing "log my request", '
                "or ask for a person.",
                buttons=[{"title": "Talk to a person", "payload": "/ask_human"}],
            )
            return []
        ticket_id = answer.get("ticket_id")
        dispatcher.utter_message(
            text=f"Done. I've logged your {kind.title.lower()} request as ticket {ticket_id}:\n{lines}\n\n"
            f"The team usually completes this kind of request {fulfilment_time(kind.fulfilment_hours)}. "
            f'To check on it, ask me "status of request {ticket_id}".'
        )
        return [*clear_request(), SlotSet("request_ticket_id", str(ticket_id))]
