"""The supervisor view's live figures, from the handoff database: today's and the last 7 days' handoffs, the
open backlog, the share answered within the service level (handoff.service_levels, the rules the live queue
shows), complaints and the agents' mean rating.

`python -m analytics report` counts the same way (it imports `within_service_level` and `is_complaint`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from handoff.models import Ticket
from handoff.service_levels import standing
from handoff.settings import BusinessHours, ServiceLevels
from handoff.store import Store

BACKLOG_STATUSES = ("waiting", "assigned", "offline")
WEEK = dt.timedelta(days=7)


class Routed(Protocol):
    reason: str
    queue: str


def is_complaint(ticket: Routed) -> bool:
    """A complaint: its handoff reason, or the complaint queue it was routed to."""
    return ticket.reason == "complaint" or ticket.queue == "complaint"


def within_service_level(
    ticket: Any, levels: ServiceLevels, business: BusinessHours, now: dt.datetime
) -> bool | None:
    """True when met, False when missed or already breached, None when not due yet (or cancelled before
    anyone answered: nobody could have met it). `ticket` has a handoff Ticket's clock fields."""
    if ticket.status == "cancelled" and ticket.first_agent_response_time is None:
        return None
    state = standing(ticket, levels, business, now).state
    if state == "met":
        return True
    if state in ("missed", "breached"):
        return False
    return None


@dataclass(frozen=True)
class PeriodFigures:
    label: str
    handed_off: int
    due: int
    within: int
    complaints: int
    ratings: int
    rating_mean: float | None

    @property
    def within_share(self) -> float | None:
        return self.within / self.due if self.due else None


@dataclass(frozen=True)
class LiveFigures:
    backlog: int
    periods: tuple[PeriodFigures, ...]


def _period(
    label: str,
    tickets: Sequence[Ticket],
    levels: ServiceLevels,
    business: BusinessHours,
    now: dt.datetime,
) -> PeriodFigures:
    outcomes = [within_service_level(t, levels, business, now) for t in tickets]
    ratings = [t.satisfaction_rating for t in tickets if t.satisfaction_rating is not None]
    return PeriodFigures(
        label=label,
        handed_off=len(tickets),
        due=sum(o is not None for o in outcomes),
        within=sum(o is True for o in outcomes),
        complaints=sum(is_complaint(t) for t in tickets),
        ratings=len(ratings),
        rating_mean=round(sum(ratings) / len(ratings), 2) if ratings else None,
    )


def compute(
    tickets: Sequence[Ticket], levels: ServiceLevels, business: BusinessHours, now: dt.datetime
) -> LiveFigures:
    """Today = since midnight in the desk's time zone; the last 7 days = the 7 x 24 hours before `now`."""
    zone = ZoneInfo(business.timezone)
    midnight = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), tzinfo=zone)
    return LiveFigures(
        backlog=sum(t.status in BACKLOG_STATUSES for t in tickets),
        periods=(
            _period("Today", [t for t in tickets if t.handoff_time >= midnight], levels, business, now),
            _period(
                "Last 7 days", [t for t in tickets if t.handoff_time >= now - WEEK], levels, business, now
            ),
        ),
    )


# The one query (SQLite and PostgreSQL, handoff/database.py): the week's tickets and every open one. It
# belongs with the others in handoff/store.py (Store.tickets_since) once that file can take it.
_QUERY = (
    "SELECT t.*, u.display_name AS agent_name FROM tickets t LEFT JOIN users u ON u.id = t.assigned_agent_id"
    " WHERE t.handoff_time >= ? OR t.status IN (?, ?, ?) ORDER BY t.id"
)


async def load(store: Store, levels: ServiceLevels, business: BusinessHours, now: dt.datetime) -> LiveFigures:
    since = (now - WEEK).astimezone(dt.UTC).isoformat()  # stored as UTC ISO text, so text order is time order
    rows = await store.database.fetch(_QUERY, (since, *BACKLOG_STATUSES))
    return compute([Store._ticket(r, [], []) for r in rows], levels, business, now)
