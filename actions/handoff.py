"""Handoff to a person: open the ticket, cancel it, collect callback details, close with a rating.

Thin actions: read slots, call the handoff service through handoff.client, say what happens next."""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import handoff_outbox
from actions import transcript as tx
from actions.diagnostics.catalog import get_engine
from handoff.client import HandoffClient
from handoff.errors import RequestRejected, ServiceUnavailable

log = logging.getLogger(__name__)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{5,30}[0-9]")

# Set by a diagnostic script that escalated; it routes that script's ticket. Cleared when the ticket ends so
# a later handoff about something else is not routed to the old script's queue.
ESCALATION_SLOT = "diagnostic_escalation"
CANCEL_BUTTON = {"title": "Cancel my request", "payload": "/cancel_handoff"}
RATING_BUTTONS = [
    {"title": f"{n}", "payload": f'/rate_handoff{{"handoff_rating": {n}}}'} for n in range(1, 6)
]


@lru_cache(maxsize=1)
def handoff_client() -> HandoffClient | None:
    """The client for HANDOFF_URL, or None when the action server was started without it."""
    url, token = os.environ.get("HANDOFF_URL"), os.environ.get("HANDOFF_API_TOKEN")
    if not url or not token:
        log.error("HANDOFF_URL or HANDOFF_API_TOKEN is not set; handoffs cannot be opened")
        return None
    return HandoffClient(url, token, timeout=float(os.environ.get("HANDOFF_TIMEOUT", "5")))


def _script_titles() -> dict[str, str]:
    """Diagnostic script titles by id, to name the steps on the ticket; empty if the scripts fail to load."""
    try:
        return {script_id: script.title for script_id, script in get_engine().scripts.items()}
    except Exception:  # a ticket without step titles beats no ticket
        log.exception("diagnostic scripts could not be loaded to name the steps")
        return {}


def _ticket_id(tracker: Tracker) -> int | None:
    value = tracker.get_slot("handoff_ticket_id")
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def build_request(tracker: Tracker) -> dict[str, Any]:
    """The POST /api/handoffs body for this conversation."""
    events = tracker.events
    support_actions = tracker.get_slot("support_actions") or []
    latest_intent = (tracker.latest_message.get("intent") or {}).get("name")
    reason = tx.derive_reason(tracker.get_slot("handoff_reason"), latest_intent)
    category = tx.category(events, support_actions)
    route = tx.escalation(reason, category, tracker.get_slot(ESCALATION_SLOT))
    priority = tracker.get_slot("handoff_priority") or ("high" if reason == "complaint" else "normal")
    record = tx.troubleshooting_record(support_actions, _script_titles())
    customer: dict[str, Any] = {"channel_user_id": tracker.sender_id}
    # Messaging-app connectors (bot/channels/messaging.py) pass the app's display name in the metadata.
    channel_user = (tracker.latest_message.get("metadata") or {}).get("channel_user") or {}
    if (
        isinstance(channel_user, dict)
        and isinstance(channel_user.get("name"), str)
        and channel_user["name"].strip()
    ):
        customer["name"] = channel_user["name"].strip()[:200]
    contact = tracker.get_slot("handoff_contact")
    if isinstance(contact, str) and EMAIL.fullmatch(contact.strip()):
        customer["email"] = contact.strip()
    return {
        "conversation_id": tracker.sender_id,
        "channel": tracker.get_latest_input_channel() or "unknown",
        "customer": customer,
        "summary": tx.need_summary(events, record, reason),
        "category": category,
        "reason": reason,
        "escalation_type": route.escalation_type,
        "queue": route.queue,
        "priority": priority if priority in ("normal", "high") else "normal",
        "contact_time": tx.contact_time(events),
        "transcript": tx.transcript(events),
        "actions_taken": record,
        "language": _language(tracker),
    }


def _language(tracker: Tracker) -> str | None:
    """The customer's language when it is not English (slot customer_language), for routing by skill."""
    value = tracker.get_slot("customer_language")
    return value if isinstance(value, str) and re.fullmatch(r"[a-z]{2}", value) else None


def _say_queued(dispatcher: CollectingDispatcher, answer: dict[str, Any]) -> None:
    ticket, position = answer["ticket_id"], answer.get("queue_position") or 1
    wait = max(int(answer.get("estimated_wait_minutes") or 1), 1)
    minutes = "minute" if wait == 1 else "minutes"
    if answer.get("status") == "assigned":
        dispatcher.utter_message(
            text=f"A person from IT support is already helping you in this chat (ticket {ticket})."
        )
        return
    opening = (
        "You are already in the queue for a person."
        if not answer.get("created")
        else "I've asked a person from our IT support team to join this chat."
    )
    dispatcher.utter_message(
        text=f"{opening} Your ticket number is {ticket}. You are number {position} in the queue, and the wait "
        f"is about {wait} {minutes}. They will see what we talked about, so you won't need to repeat it. "
        "While you wait, you can keep asking me questions. If you no longer need a person, tap "
        '"Cancel my request".',
        buttons=[CANCEL_BUTTON],
    )


def _say_offline(dispatcher: CollectingDispatcher, answer: dict[str, Any]) -> None:
    why = (
        f"Our support team is not working right now. Their hours are {answer.get('business_hours')}."
        if not answer.get("open_now")
        else "No one from our support team is online right now."
    )
    hours = answer.get("offline_response_hours") or 4
    dispatcher.utter_message(
        text=f"{why} I saved your request as ticket {answer['ticket_id']}, so nothing is lost. The team "
        f"usually replies within {hours} working hours. Would you like them to contact you by email or phone? "
        "We will only use your details for this request.",
        buttons=[
            {"title": "Yes, contact me", "payload": "/request_callback"},
            {"title": "No thanks", "payload": "/decline_callback"},
        ],
    )


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        client = handoff_client()
        handoff_outbox.ensure_retrying(client)
        request = build_request(tracker)
        try:
            if client is None:
                raise ServiceUnavailable("handoff client not configured")
            answer = await client.create_handoff(request)
        except ServiceUnavailable as exc:
            log.warning("conversation %s: handoff not delivered, kept for retry: %s", tracker.sender_id, exc)
            handoff_outbox.keep_for_retry(request)
            handoff_outbox.ensure_retrying(client)
            dispatcher.utter_message(
                text="Sorry, I couldn't reach our support team's system just now. This is a problem on our "
                "side. I saved your request and will pass it to a person as soon as the system is back, so "
                "you don't need to ask again. You can keep asking me questions, or leave your email or phone "
                "number so the team can contact you.",
                buttons=[{"title": "Leave my contact details", "payload": "/request_callback"}],
            )
            return [SlotSet("handoff_status", "failed")]
        except RequestRejected as exc:
            log.warning("conversation %s: handoff failed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text="Sorry, I couldn't reach our support team's system just now, so I could not pass you to a "
                "person yet. This is a problem on our side. You can try again in a minute, or leave your email "
                "or phone number so the team can contact you. You can also keep asking me questions.",
                buttons=[
                    {"title": "Try again", "payload": "/ask_human"},
                    {"title": "Leave my contact details", "payload": "/request_callback"},
                ],
            )
            return [SlotSet("handoff_status", "failed")]
        log.info(
            "conversation %s: handoff ticket %s (%s)",
            tracker.sender_id,
            answer["ticket_id"],
            answer["status"],
        )
        if answer.get("status") == "offline":
            _say_offline(dispatcher, answer)
        else:
            _say_queued(dispatcher, answer)
        return [
            SlotSet("handoff_ticket_id", str(answer["ticket_id"])),
            SlotSet("handoff_status", answer.get("status")),
            SlotSet("handoff_reason", None),
            SlotSet("handoff_priority", None),
        ]


class ActionCancelHandoff(Action):
    def name(self) -> str:
        return "action_cancel_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ticket_id, client = _ticket_id(tracker), handoff_client()
        if ticket_id is None or client is None:
            dispatcher.utter_message(
                text="You don't have a request for a person open, so there is nothing to cancel."
            )
            return []
        try:
            await client.cancel(ticket_id)
        except RequestRejected:
            dispatcher.utter_message(
                text="I can't cancel it now, because a person has already picked up your request or it is closed."
            )
            return []
        except ServiceUnavailable as exc:
            log.warning("conversation %s: cancel failed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text="Sorry, I couldn't reach our support team's system to cancel. Please try again in a minute."
            )
            return []
        dispatcher.utter_message(
            text=f"Done. I cancelled your request for a person (ticket {ticket_id}). I'm still here if you need me."
        )
        return [SlotSet("handoff_status", "cancelled"), SlotSet(ESCALATION_SLOT, None)]


class ActionHandoffFinished(Action):
    """Runs when an agent hands the chat back (external intent); the bot speaks again."""

    def name(self) -> str:
        return "action_handoff_finished"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "handoff_resolved":
            dispatcher.utter_message(
                text="The support agent marked your issue as solved, so I'm back. I'm the bot again. "
                "How happy are you with the help you got? Tap 1 (not happy) to 5 (very happy).",
                buttons=RATING_BUTTONS,
            )
            return [SlotSet("handoff_status", "resolved"), SlotSet(ESCALATION_SLOT, None)]
        dispatcher.utter_message(
            text="The support agent passed this chat back to me, the bot. They have recorded what they did on "
            "your ticket. What else can I help with?"
        )
        return [SlotSet("handoff_status", "handed_back"), SlotSet(ESCALATION_SLOT, None)]


class ActionRateHandoff(Action):
    def name(self) -> str:
        return "action_rate_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rating = tracker.get_slot("handoff_rating")
        if rating is None or not 1 <= float(rating) <= 5:
            dispatcher.utter_message(text="Please tap a number from 1 to 5.", buttons=RATING_BUTTONS)
            return []
        return [SlotSet("handoff_comment", None)]


class ActionSubmitHandoffFeedback(Action):
    def name(self) -> str:
        return "action_submit_handoff_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ticket_id, client = _ticket_id(tracker), handoff_client()
        rating = int(float(tracker.get_slot("handoff_rating") or 0))
        comment = tracker.get_slot("handoff_comment")
        if (
            not isinstance(comment, str)
            or comment.startswith("/")
            or comment.strip().lower() in ("skip", "no")
        ):
            comment = None
        if (
            tracker.get_slot("resolution") == "resolved_by_assistant"
            and 1 <= rating <= 5
            and ticket_id is None
        ):
            # the bot solved it: no ticket to rate, the rating stays with this chat's record (actions/survey.py)
            dispatcher.utter_message(
                text="Thank you! I've saved your rating with this chat. It helps us get better."
            )
            return [SlotSet("handoff_rating", None), SlotSet("handoff_comment", None)]
        if ticket_id is None or client is None or not 1 <= rating <= 5:
            dispatcher.utter_message(text="Thanks for telling me.")
            return [SlotSet("handoff_rating", None), SlotSet("handoff_comment", None)]
        try:
            await client.feedback(ticket_id, rating, comment[:2000] if comment else None)
            dispatcher.utter_message(
                text="Thank you! I saved your rating on your ticket. It helps us get better."
            )
        except (ServiceUnavailable, RequestRejected) as exc:
            log.warning("conversation %s: feedback failed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text="Thanks! Sorry, I couldn't save your rating just now because of a problem on our side."
            )
        return [SlotSet("handoff_rating", None), SlotSet("handoff_comment", None)]


class ValidateHandoffCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_callback_form"

    def validate_handoff_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        email, phone = EMAIL.search(text), PHONE.search(text)
        if email or phone:
            return {"handoff_contact": (email or phone).group(0)}  # type: ignore[union-attr]
        dispatcher.utter_message(
            text="That doesn't look like an email address or a phone number. Please type one, like "
            "name@example.com or +1 555 123 4567."
        )
        return {"handoff_contact": None}


class ActionSubmitCallback(Action):
    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        contact = str(tracker.get_slot("handoff_contact") or "")
        details: dict[str, Any] = {"consent": True}
        details["email" if EMAIL.fullmatch(contact) else "phone"] = contact
        client, ticket_id = handoff_client(), _ticket_id(tracker)
        events: list[EventType] = []
        try:
            if client is None:
                raise ServiceUnavailable("handoff client not configured")
            if ticket_id is None:
                answer = await client.create_handoff(build_request(tracker))
                ticket_id = int(answer["ticket_id"])
                events += [
                    SlotSet("handoff_ticket_id", str(ticket_id)),
                    SlotSet("handoff_status", answer["status"]),
                ]
            await client.callback(ticket_id, details)
        except (ServiceUnavailable, RequestRejected) as exc:
            log.warning("conversation %s: callback failed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text="Sorry, I still can't reach our support team's system, so your details are not saved yet. "
                "Please try again later."
            )
            return events
        dispatcher.utter_message(
            text=f"Thanks. The support team will contact you at {contact} about ticket {ticket_id}. "
            "We use these details only for this request."
        )
        return events
