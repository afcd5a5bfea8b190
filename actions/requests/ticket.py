"""The handoff-service body for a service request, and how its service level reads to a customer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.requests.catalogue import Catalogue, RequestType

WORKING_DAY_HOURS = 8


def collected(tracker: Tracker, kind: RequestType, catalogue: Catalogue) -> dict[str, str]:
    """Field label -> what the customer said, for the fields this request type needs."""
    found = {}
    for field_id in kind.fields:
        field = catalogue.fields[field_id]
        value = tracker.get_slot(field.slot)
        if value:
            found[field.label] = str(value)
    return found


def fulfilment_time(hours: int) -> str:
    """Plain words for a service level in working hours: "1 working day", "within 8 working hours"."""
    if hours < WORKING_DAY_HOURS:
        return f"within {hours} working hour{'s' if hours != 1 else ''}"
    days = -(-hours // WORKING_DAY_HOURS)
    return f"within {days} working day{'s' if days != 1 else ''}"


def build_request_ticket(tracker: Tracker, kind: RequestType, detail: dict[str, str]) -> dict[str, Any]:
    summary = "; ".join(f"{label}: {value}" for label, value in detail.items())
    return {
        "conversation_id": tracker.sender_id,
        "channel": tracker.get_latest_input_channel() or "unknown",
        "customer": {"channel_user_id": tracker.sender_id},
        "summary": f"{kind.title} request. {summary}"[:2000],
        "category": kind.title,
        "reason": "customer_request",
        "escalation_type": "administrative",
        "queue": kind.queue,
        "ticket_type": "request",
        "request_type": kind.id,
        "request_details": detail,
        "service_level_hours": kind.fulfilment_hours,
        "language": tracker.get_slot("customer_language"),
    }
