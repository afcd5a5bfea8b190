"""Customer satisfaction (the 1-5 rating after a resolve): totals, per agent, per queue and per day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from handoff.models import Ticket


def _group(tickets: list[Ticket], key: Callable[[Ticket], str]) -> list[dict[str, Any]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for ticket in tickets:
        groups[key(ticket)].append(ticket.satisfaction_rating or 0)
    return [
        {"key": name, "count": len(ratings), "average": round(sum(ratings) / len(ratings), 2)}
        for name, ratings in sorted(groups.items())
    ]


def _day(ticket: Ticket) -> str:
    when = ticket.resolution_time or ticket.handoff_time
    return when.date().isoformat()


def summarize(rated: Iterable[Ticket], recent: int = 50) -> dict[str, Any]:
    """Ratings of the given tickets (those without a rating are skipped); the newest `recent` listed."""
    tickets = [t for t in rated if t.satisfaction_rating is not None]
    ratings = [t.satisfaction_rating or 0 for t in tickets]
    newest = sorted(tickets, key=lambda t: t.resolution_time or t.handoff_time, reverse=True)
    return {
        "count": len(ratings),
        "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "distribution": {str(score): ratings.count(score) for score in range(1, 6)},
        "by_agent": _group(tickets, lambda t: t.assigned_agent or "(nobody)"),
        "by_queue": _group(tickets, lambda t: t.queue),
        "by_day": _group(tickets, _day),
        "ratings": [
            {
                "ticket_id": t.ticket_id,
                "rating": t.satisfaction_rating,
                "comment": t.satisfaction_comment,
                "agent": t.assigned_agent,
                "queue": t.queue,
                "resolution_time": t.resolution_time.isoformat() if t.resolution_time else None,
            }
            for t in newest[:recent]
        ],
    }
