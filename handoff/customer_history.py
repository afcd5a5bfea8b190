"""Who the customer is beyond this ticket: their earlier tickets with outcome, and whether this is a repeat
contact about the same problem within 30 days. Only tickets the viewing agent may open themselves count
(`routing.can_see`): another queue's summaries and resolution notes are not theirs to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from handoff.models import Ticket
from handoff.routing import can_see
from handoff.users import Agent

REPEAT_WINDOW = dt.timedelta(days=30)
OUTCOMES = {
    "resolved": "Solved by an agent",
    "handed_back": "Handed back to the bot",
    "cancelled": "Cancelled by the customer",
    "offline": "Waiting for a reply (after hours)",
    "waiting": "Waiting for an agent",
    "assigned": "With an agent",
}


def same_customer(a: Ticket, b: Ticket) -> bool:
    """Same conversation, same user id on the same channel, or the same email address."""
    if a.conversation_id == b.conversation_id:
        return True
    user_id = a.customer.channel_user_id
    if user_id and a.channel == b.channel and user_id == b.customer.channel_user_id:
        return True
    email_a, email_b = (a.customer.email or "").lower(), (b.customer.email or "").lower()
    return bool(email_a) and email_a == email_b


def earlier_tickets(ticket: Ticket, candidates: Iterable[Ticket]) -> list[Ticket]:
    """The customer's other tickets opened before this one, newest first."""
    found = [
        c
        for c in candidates
        if c.ticket_id != ticket.ticket_id
        and c.handoff_time <= ticket.handoff_time
        and same_customer(ticket, c)
    ]
    return sorted(found, key=lambda c: c.handoff_time, reverse=True)


def repeat_of(ticket: Ticket, earlier: Iterable[Ticket]) -> Ticket | None:
    """The latest earlier ticket about the same problem category within 30 days, if any."""
    if not ticket.category:
        return None
    for other in earlier:
        if other.category == ticket.category and ticket.handoff_time - other.handoff_time <= REPEAT_WINDOW:
            return other
    return None


def history_json(ticket: Ticket, candidates: Iterable[Ticket], viewer: Agent) -> dict[str, Any]:
    earlier = earlier_tickets(ticket, (c for c in candidates if can_see(viewer, c)))
    repeat = repeat_of(ticket, earlier)
    return {
        "earlier_tickets": [
            {
                "ticket_id": t.ticket_id,
                "opened": t.handoff_time.isoformat(),
                "summary": t.summary,
                "category": t.category,
                "status": t.status,
                "outcome": OUTCOMES.get(t.status, t.status),
                "resolution_notes": t.resolution_notes,
            }
            for t in earlier[:20]
        ],
        "repeat_of": repeat.ticket_id if repeat else None,
    }
