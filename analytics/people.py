"""Complaints (count, weekly trend, time to resolve) and per-agent figures for supervisors."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from analytics.records import Conversation, TicketRecord
from analytics.stats import mean, median
from analytics.weekly import week_key
from analytics.worktime import business_seconds
from handoff.live_figures import is_complaint
from handoff.settings import BusinessHours


def complaints(conversations: list[Conversation], hours: BusinessHours) -> dict[str, Any]:
    tickets = [t for c in conversations for t in c.tickets if is_complaint(t)]
    weeks: Counter[str] = Counter()
    for t in tickets:
        weeks[week_key(t.handoff_time)] += 1
    resolve = [
        business_seconds(hours, t.handoff_time, t.resolution_time) / 3600
        for t in tickets
        if t.resolution_time
    ]
    return {
        "count": len(tickets),
        "by_week": sorted(weeks.items()),
        "resolution_hours_median": median(resolve),
    }


def agents(conversations: list[Conversation], hours: BusinessHours) -> list[dict[str, Any]]:
    per: dict[str, list[TicketRecord]] = defaultdict(list)
    for conv in conversations:
        for t in conv.tickets:
            if t.agent:
                per[t.agent].append(t)
    rows = []
    for name, tickets in sorted(per.items()):
        first = [
            business_seconds(hours, t.handoff_time, t.first_agent_response_time) / 60
            for t in tickets
            if t.first_agent_response_time
        ]
        resolved = [t for t in tickets if t.status == "resolved" and t.resolution_time]
        ratings = [t.rating for t in tickets if t.rating is not None]
        rows.append(
            {
                "agent": name,
                "tickets": len(tickets),
                "resolved": len(resolved),
                "first_response_minutes_median": median(first),
                "resolution_hours_median": median(
                    [business_seconds(hours, t.handoff_time, t.resolution_time) / 3600 for t in resolved]  # type: ignore[arg-type]
                ),
                "rating_mean": mean(ratings),
                "ratings": len(ratings),
            }
        )
    return rows
