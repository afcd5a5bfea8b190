"""Which service level a ticket is held to, and where it stands: met, missed, time left, or due soon.

- A live ticket (opened while the desk was open and staffed) against the live first-response target of its
  priority, in minutes since the handoff.
- An after-hours ticket (opened while closed or unstaffed, or one with a callback) against the after-hours
  response time, counted in working hours only (handoff.hours), so a ticket opened on Friday night is not
  "missed" on Saturday morning.
- A service request (`ticket_type` = 'request', when that column exists) against its request type's
  fulfilment target (working hours until it is resolved), or the desk's request response target when it
  has none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from handoff import hours
from handoff.models import Ticket
from handoff.settings import BusinessHours, ServiceLevels

Kind = Literal["live", "after_hours", "request"]
State = Literal["met", "missed", "breached", "due_soon", "on_track"]
REQUEST_RESPONSE_HOURS = 8
"""Working hours to a first answer on a service request, unless the settings name their own."""
DUE_SOON_SHARE, DUE_SOON_MINUTES = 0.25, 5.0
_MAX_DAYS = 370


@dataclass(frozen=True)
class Standing:
    kind: Kind
    target_minutes: float
    elapsed_minutes: float
    state: State

    @property
    def left_minutes(self) -> float:
        return round(self.target_minutes - self.elapsed_minutes, 1)

    @property
    def label(self) -> str:
        unit = "working " if self.kind != "live" else ""
        if self.state == "met":
            return "Met"
        if self.state in ("missed", "breached"):
            return f"Breached by {_duration(-self.left_minutes)}"
        return f"{_duration(self.left_minutes)} {unit}left"


def _duration(minutes: float) -> str:
    minutes = max(minutes, 0.0)
    if minutes < 90:
        return f"{round(minutes)} min"
    return f"{minutes / 60:.1f} h"


def working_minutes(business: BusinessHours, start: dt.datetime, end: dt.datetime) -> float:
    """Minutes between start and end that fall inside business hours (all of them when always open)."""
    if end <= start:
        return 0.0
    if business.always_open:
        return (end - start).total_seconds() / 60
    zone = ZoneInfo(business.timezone)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    total = 0.0
    for offset in range(min((last - first).days, _MAX_DAYS) + 1):
        day = first + dt.timedelta(days=offset)
        if day.weekday() not in business.days or day in business.holidays:
            continue
        opens = dt.datetime.combine(day, business.open, tzinfo=zone)
        closes = dt.datetime.combine(day, business.close, tzinfo=zone)
        lo, hi = max(opens, start), min(closes, end)
        if hi > lo:
            total += (hi - lo).total_seconds() / 60
    return total


def kind_of(ticket: Ticket, business: BusinessHours) -> Kind:
    if getattr(ticket, "ticket_type", None) == "request":
        return "request"
    if ticket.status == "offline" or ticket.callback or not hours.is_open(business, ticket.handoff_time):
        return "after_hours"
    return "live"


def standing(ticket: Ticket, levels: ServiceLevels, business: BusinessHours, now: dt.datetime) -> Standing:
    kind = kind_of(ticket, business)
    # The clock stops at the first agent response; a service request with its type's fulfilment target
    # (data/requests, `service_level_hours`) is measured until it is done (resolved) instead.
    fulfilment = kind == "request" and bool(ticket.service_level_hours)
    stopped = ticket.resolution_time if fulfilment else ticket.first_agent_response_time
    until = stopped or now
    if kind == "live":
        high = ticket.priority == "high"
        target = float(levels.first_response_minutes_high if high else levels.first_response_minutes_normal)
        elapsed = max((until - ticket.handoff_time).total_seconds() / 60, 0.0)
    else:
        if fulfilment:
            target_hours = float(ticket.service_level_hours or 0)
        elif kind == "request":
            target_hours = getattr(levels, "request_response_hours", REQUEST_RESPONSE_HOURS)
        else:
            target_hours = levels.offline_response_hours
        target = float(target_hours) * 60
        elapsed = working_minutes(business, ticket.handoff_time, until)
    if stopped is not None:
        state: State = "met" if elapsed <= target else "missed"
    elif elapsed > target:
        state = "breached"
    elif target - elapsed <= max(target * DUE_SOON_SHARE, DUE_SOON_MINUTES):
        state = "due_soon"
    else:
        state = "on_track"
    return Standing(kind, target, round(elapsed, 1), state)
