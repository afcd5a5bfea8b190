"""The weekly trend: per ISO week (desk's time zone), conversations, the share handed to a person and the mean
satisfaction (every survey answer of the week's conversations, analytics.satisfaction.surveys)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from analytics.records import Conversation
from analytics.satisfaction import surveys
from analytics.stats import mean, share


def week_key(moment: dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def compute(conversations: list[Conversation], zone: ZoneInfo) -> list[dict[str, Any]]:
    convs: dict[str, int] = defaultdict(int)
    handed: dict[str, int] = defaultdict(int)
    ratings: dict[str, list[int]] = defaultdict(list)
    for conv in conversations:
        week = week_key(conv.started.astimezone(zone))
        convs[week] += 1
        handed[week] += conv.handed_off
        ratings[week] += [r for _, r in surveys(conv) if r is not None]
    return [
        {
            "week": week,
            "conversations": convs[week],
            "handoff_share": share(handed[week], convs[week]),
            "ratings": len(ratings[week]),
            "satisfaction_mean": mean(ratings[week]),
        }
        for week in sorted(convs)
    ]
