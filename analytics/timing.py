"""Response and resolution times, backlog and the share answered within the service level.

Bot time (customer's first message to the handoff, wall clock) is kept apart from desk time (handoff to the
first agent reply / to resolution), which counts business hours only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from analytics.records import Conversation, TicketRecord
from analytics.stats import median, p90, share
from analytics.worktime import business_seconds
from handoff.live_figures import within_service_level
from handoff.settings import BusinessHours, ServiceLevels

OPEN = {"waiting", "assigned", "offline"}


def _summary(seconds: list[float], unit: float = 60.0) -> dict[str, float | None]:
    values = [s / unit for s in seconds]
    med, top = median(values), p90(values)
    return {"count": len(values), "median": med, "p90": top}


def compute(
    conversations: list[Conversation], hours: BusinessHours, levels: ServiceLevels, until: dt.datetime
) -> dict[str, Any]:
    first_reply = [
        (c.first_bot_reply - c.started).total_seconds() for c in conversations if c.first_bot_reply
    ]
    tickets = [t for c in conversations for t in c.tickets]
    bot_time = [(c.tickets[0].handoff_time - c.started).total_seconds() for c in conversations if c.tickets]
    agent_first = [
        business_seconds(hours, t.handoff_time, t.first_agent_response_time)
        for t in tickets
        if t.first_agent_response_time
    ]
    resolution = [
        business_seconds(hours, t.handoff_time, t.resolution_time)
        for t in tickets
        if t.status == "resolved" and t.resolution_time
    ]
    assistant_time = [(c.ended - c.started).total_seconds() for c in conversations if not c.tickets]
    return {
        "first_response_seconds": _summary(first_reply, unit=1.0),
        "bot_minutes_before_handoff": _summary(bot_time),
        "assistant_conversation_minutes": _summary(assistant_time),
        "first_agent_response_minutes": _summary(agent_first),
        "resolution_hours": _summary(resolution, unit=3600.0),
        "backlog": backlog(tickets, until),
        "service_level": service_level(tickets, hours, levels, until),
    }


def backlog(tickets: list[TicketRecord], at: dt.datetime) -> int:
    """Tickets handed off by `at` and not closed by then (still open, or resolved only later)."""
    count = 0
    for t in tickets:
        if t.handoff_time > at:
            continue
        if t.status in OPEN or (t.resolution_time is not None and t.resolution_time > at):
            count += 1
    return count


def service_level(
    tickets: list[TicketRecord], hours: BusinessHours, levels: ServiceLevels, until: dt.datetime
) -> dict[str, dict[str, Any]]:
    """Per priority, ticket type and request type: met / tickets due, by the console's own rules
    (handoff.service_levels via handoff.live_figures.within_service_level): a live chat against its
    priority's minutes, an after-hours ticket or callback against the after-hours working hours, a service
    request against its request type's fulfilment hours. An unanswered ticket counts as missed once its
    target passed by `until`; one cancelled before any answer is left out."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for t in tickets:
        met = within_service_level(t, levels, hours, until)
        if met is None:
            continue  # not due yet, or cancelled unanswered
        groups[f"priority {t.priority}"].append(met)
        if t.ticket_type:
            groups[f"type {t.ticket_type}"].append(met)
        if t.request_type:
            groups[f"request {t.request_type}"].append(met)
    return {
        key: {"tickets": len(v), "within": sum(v), "share": share(sum(v), len(v))}
        for key, v in sorted(groups.items())
    }
