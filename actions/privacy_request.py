""" "Delete my data": confirm, then log an erasure request for this chat account (issue 16).

The request is bound to the channel and user id the message came from, which the channel verified (webhook
signatures, the website chat's session), so a customer can only ask for their own data. A supervisor carries
it out with `python -m handoff privacy erase --customer CHANNEL:USER_ID`, which also writes the audit log;
nothing is deleted from inside the chat, so a mistyped "yes" costs nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import handoff_client
from handoff.errors import RequestRejected, ServiceUnavailable

log = logging.getLogger(__name__)
ERASURE = "erasure"
"""`pending_offer` while the customer confirms the erasure request."""
REQUEST_TYPE = "data_erasure"
SERVICE_LEVEL_HOURS = 40  # 5 working days; the law allows one month
YES_NO = [
    {"title": "Yes, delete my data", "payload": "/affirm"},
    {"title": "No, keep it", "payload": "/deny"},
]


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


class ActionErasureRequest(Action):
    def name(self) -> str:
        return "action_erasure_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            text="I can ask our support team to delete what we keep about you from this chat account: your "
            "conversations, tickets and ratings. This can't be undone. Shall I send the request?",
            buttons=YES_NO,
        )
        return [SlotSet("pending_offer", ERASURE)]


def erasure_ticket(tracker: Tracker) -> dict[str, Any]:
    channel = _channel(tracker)
    return {
        "conversation_id": tracker.sender_id,
        "channel": channel,
        "customer": {"channel_user_id": tracker.sender_id},
        "summary": f"Data erasure request (GDPR) from {channel}:{tracker.sender_id}. Run: python -m handoff "
        f"privacy erase --customer {channel}:{tracker.sender_id}",
        "category": "Data erasure request",
        "reason": "customer_request",
        "escalation_type": "administrative",
        "queue": "general",
        "ticket_type": "request",
        "request_type": REQUEST_TYPE,
        "request_details": {"Customer": f"{channel}:{tracker.sender_id}", "Asked": "delete all their data"},
        "service_level_hours": SERVICE_LEVEL_HOURS,
        "language": tracker.get_slot("customer_language"),
    }


async def log_erasure_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The customer said yes: log the request and tell them what happens next."""
    client = handoff_client()
    try:
        if client is None:
            raise ServiceUnavailable("handoff service not configured")
        answer = await client.create_handoff(erasure_ticket(tracker))
    except (ServiceUnavailable, RequestRejected) as exc:
        log.error("conversation %s: erasure request not logged: %s", tracker.sender_id, exc)
        dispatcher.utter_message(
            text="Sorry, something went wrong on our side and I could not send your request just now. Please "
            'try again in a few minutes by typing "delete my data", or ask for a person.',
            buttons=[{"title": "Talk to a person", "payload": "/ask_human"}],
        )
        return [SlotSet("pending_offer", None)]
    dispatcher.utter_message(
        text=f"Done. Your request is ticket {answer.get('ticket_id')}. A supervisor will delete your data within "
        "5 working days, and never later than one month, as the law requires. Until then, anything new you "
        "type here is kept too, and deleted with the rest."
    )
    return [SlotSet("pending_offer", None)]


def declined(dispatcher: CollectingDispatcher) -> list[EventType]:
    dispatcher.utter_message(text="OK, I won't send it. Your data stays as it is. What else can I help with?")
    return [SlotSet("pending_offer", None)]
