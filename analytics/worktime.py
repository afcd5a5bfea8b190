"""Seconds between two moments counted only inside the desk's business hours (handoff's BusinessHours)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from handoff.settings import BusinessHours


def business_seconds(hours: BusinessHours, start: dt.datetime, end: dt.datetime) -> float:
    """Working seconds in [start, end); wall-clock seconds when the desk is always open."""
    if end <= start:
        return 0.0
    if hours.always_open:
        return (end - start).total_seconds()
    zone = ZoneInfo(hours.timezone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    total = 0.0
    day = local_start.date()
    while day <= local_end.date():
        if day.weekday() in hours.days and day not in hours.holidays:
            opens = dt.datetime.combine(day, hours.open, tzinfo=zone)
            closes = dt.datetime.combine(day, hours.close, tzinfo=zone)
            lo, hi = max(opens, local_start), min(closes, local_end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += dt.timedelta(days=1)
    return total
