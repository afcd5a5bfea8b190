"""Conversation counts by day, by hour x weekday (desk's time zone) and by channel; uptake."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from analytics.records import Conversation
from analytics.stats import share


def compute(
    conversations: list[Conversation], zone: ZoneInfo, since: dt.date, until: dt.date
) -> dict[str, Any]:
    days: Counter[str] = Counter()
    heat = [[0] * 24 for _ in range(7)]
    channels: Counter[str] = Counter()
    for conv in conversations:
        local = conv.started.astimezone(zone)
        days[local.date().isoformat()] += 1
        heat[local.weekday()][local.hour] += 1
        channels[conv.channel] += 1
    all_days = []
    day = since
    while day < until:
        all_days.append((day.isoformat(), days.get(day.isoformat(), 0)))
        day += dt.timedelta(days=1)
    customers = len({c.customer for c in conversations})
    return {
        "total": len(conversations),
        "by_day": all_days,
        "hour_weekday": heat,
        "by_channel": channels.most_common(),
        "customers": customers,
        "uptake": share(len(conversations), customers),
    }
