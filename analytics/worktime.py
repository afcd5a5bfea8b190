"""Seconds between two moments counted only inside the desk's business hours (handoff's BusinessHours)."""

from __future__ import annotations

import datetime as dt

from handoff.service_levels import working_minutes
from handoff.settings import BusinessHours


def business_seconds(hours: BusinessHours, start: dt.datetime, end: dt.datetime) -> float:
    """Working seconds in [start, end); wall-clock seconds when the desk is always open. The console's own
    count (handoff.service_levels.working_minutes), so the report and the live queue agree."""
    return working_minutes(hours, start, end) * 60
