"""Business hours: is someone meant to be working now, and when do they start next."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from handoff.settings import BusinessHours

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def is_open(hours: BusinessHours, now: dt.datetime) -> bool:
    if hours.always_open:
        return True
    local = now.astimezone(ZoneInfo(hours.timezone))
    if local.weekday() not in hours.days or local.date() in hours.holidays:
        return False
    return hours.open <= local.time().replace(tzinfo=None) < hours.close


def next_open(hours: BusinessHours, now: dt.datetime) -> dt.datetime | None:
    """The next moment the desk opens (now if open); None when no day is a working day."""
    if is_open(hours, now):
        return now
    zone = ZoneInfo(hours.timezone)
    local = now.astimezone(zone)
    for offset in range(0, 400):
        day = local.date() + dt.timedelta(days=offset)
        if day.weekday() not in hours.days or day in hours.holidays:
            continue
        start = dt.datetime.combine(day, hours.open, tzinfo=zone)
        if start > local:
            return start
    return None


def describe(hours: BusinessHours) -> str:
    """A short, plain description such as 'Mon-Fri, 09:00-17:00 (Europe/London)'."""
    if hours.always_open:
        return "every day, all day"
    days = sorted(set(hours.days))
    if not days:
        return "no regular hours"
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        day_text = f"{_DAY_NAMES[days[0]]}-{_DAY_NAMES[days[-1]]}"
    else:
        day_text = ", ".join(_DAY_NAMES[d] for d in days)
    return f"{day_text}, {hours.open:%H:%M}-{hours.close:%H:%M} ({hours.timezone})"
