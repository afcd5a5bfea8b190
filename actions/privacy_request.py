""" "Delete my data" and "send me a copy of my data": confirm, then log a request ticket (issue 16).

The bot never deletes or sends anything itself: a supervisor carries the request out with
`python -m handoff privacy erase|export --customer CHANNEL:USER_ID`, which also writes the audit log, so a
mistyped "yes" costs nothing.

Who asked is only as certain as the channel makes it (`identity_of`). Telegram, Slack, Twilio (SMS and
WhatsApp) and Messenger sign their webhooks and the user id in them comes from the app's own login: the
request is verified by the channel. The REST sender and the website chat's session id are chosen by the
customer's own client, so anyone could type someone else's: the ticket says the identity is NOT verified,
and the supervisor checks it (the email address on an earlier ticket, a call back) before acting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import handoff_client
from handoff.errors import RequestRejected, ServiceUnavailable
from privacy.notice import stated_retention_days

log = logging.getLogger(__name__)
OFFER_SLOT = "pending_offer"
SERVICE_LEVEL_HOURS = 40  # 5 working days; the law allows one month
# Channels whose user id the app itself vouches for, in a webhook the channel checks the signature of.
VERIFIED_BY = {
    "telegram": "Telegram",
    "slack": "Slack",
    "twilio": "SMS (Twilio)",
    "twilio_whatsapp": "WhatsApp (Twilio)",
    "facebook": "Messenger",
}
SELF_ASSERTED = {"rest": "REST sender id", "socketio": "website chat session id"}


@dataclass(frozen=True)
class Identity:
    verified: bool
    note: str  # for the supervisor, on the ticket

    @property
    def check_first(self) -> str:
        """What the customer is told about the check (plain words)."""
        if self.verified:
            return ""
        return (
            " This chat can't prove who you are, so a person from our support team will first check that it "
            "is really you."
        )


def identity_of(channel: str) -> Identity:
    if channel in VERIFIED_BY:
        return Identity(True, f"verified by the channel: {VERIFIED_BY[channel]} signs its webhooks")
    what = SELF_ASSERTED.get(channel, f"{channel} user id")
    return Identity(
        False,
        f"NOT verified: the {what} is chosen by the customer's own client. Confirm it is them before you act "
        "(the email address on an earlier ticket, or call them back).",
    )


@dataclass(frozen=True)
class PrivacyRequest:
    offer: str  # the `pending_offer` value while the customer confirms
    request_type: str
    title: str  # on the ticket
    asked: str
    command: str  # what the supervisor runs, without --customer
    question: str
    yes: str
    no: str
    done: str  # after "Your request is ticket N." and the identity check
    declined: str

    def ticket(self, tracker: Tracker) -> dict[str, Any]:
        channel = tracker.get_latest_input_channel() or "unknown"
        customer = f"{channel}:{tracker.sender_id}"
        identity = identity_of(channel)
        return {
            "conversation_id": tracker.sender_id,
            "channel": channel,
            "customer": {"channel_user_id": tracker.sender_id},
            "summary": f"{self.title} from {customer}. Identity {identity.note} Run: python -m handoff "
            f"privacy {self.command} --customer {customer}",
            "category": self.title,
            "reason": "customer_request",
            "escalation_type": "administrative",
            "queue": "general",
            "ticket_type": "request",
            "request_type": self.request_type,
            "request_details": {"Customer": customer, "Asked": self.asked, "Identity": identity.note},
            "service_level_hours": SERVICE_LEVEL_HOURS,
            "language": tracker.get_slot("customer_language"),
        }


ERASURE = "erasure"
EXPORT = "data_export"
REQUESTS = {
    ERASURE: PrivacyRequest(
        offer=ERASURE,
        request_type="data_erasure",
        title="Data erasure request (GDPR article 17)",
        asked="delete all their data",
        command="erase",
        question="I'm the support bot, so I can't delete anything myself. I can ask our support team to delete "
        "what we keep about you from this chat account: your conversations, tickets and ratings. This can't "
        "be undone. Shall I send the request?",
        yes="Yes, delete my data",
        no="No, keep it",
        done="Then a supervisor will delete your data within 5 working days, and never later than one month, "
        "as the law requires. Until then, anything new you type here is kept too, and deleted with the rest.",
        declined="OK, I won't send it. Your data stays as it is. What else can I help with?",
    ),
    EXPORT: PrivacyRequest(
        offer=EXPORT,
        request_type="data_export",
        title="Data copy request (GDPR article 15)",
        asked="a copy of all their data",
        command="export --out FILE",
        question="I'm the support bot, so I can't send your data myself. We keep your messages, the bot's "
        "replies, your tickets and ratings, for {days} days. I can ask our support team to send you a copy of "
        "all of it from this chat account. Shall I send the request?",
        yes="Yes, send me a copy",
        no="No, thanks",
        done="Then they will send you the copy within 5 working days, and never later than one month, as the "
        "law requires. They will agree with you a safe way to send it.",
        declined="OK, I won't send it. What else can I help with?",
    ),
}
"""Keyed by the `pending_offer` value."""


async def offer(name: str, dispatcher: CollectingDispatcher) -> list[EventType]:
    request = REQUESTS[name]
    dispatcher.utter_message(
        text=request.question.format(days=stated_retention_days()),
        buttons=[{"title": request.yes, "payload": "/affirm"}, {"title": request.no, "payload": "/deny"}],
    )
    return [SlotSet(OFFER_SLOT, name)]


class ActionErasureRequest(Action):
    def name(self) -> str:
        return "action_erasure_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await offer(ERASURE, dispatcher)


class ActionDataExportRequest(Action):
    def name(self) -> str:
        return "action_data_export_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await offer(EXPORT, dispatcher)


async def answer(
    name: str, affirmed: bool, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """The customer's yes or no to the offer `name` (one of REQUESTS)."""
    request = REQUESTS[name]
    if not affirmed:
        dispatcher.utter_message(text=request.declined)
        return [SlotSet(OFFER_SLOT, None)]
    client = handoff_client()
    try:
        if client is None:
            raise ServiceUnavailable("handoff service not configured")
        logged = await client.create_handoff(request.ticket(tracker))
    except (ServiceUnavailable, RequestRejected) as exc:
        log.error("conversation %s: %s request not logged: %s", tracker.sender_id, name, exc)
        dispatcher.utter_message(
            text="Sorry, something went wrong on our side and I could not send your request just now. Please "
            "try again in a few minutes, or ask for a person.",
            buttons=[{"title": "Talk to a person", "payload": "/ask_human"}],
        )
        return [SlotSet(OFFER_SLOT, None)]
    identity = identity_of(tracker.get_latest_input_channel() or "unknown")
    dispatcher.utter_message(
        text=f"Done. Your request is ticket {logged.get('ticket_id')}.{identity.check_first} {request.done}"
    )
    return [SlotSet(OFFER_SLOT, None)]
