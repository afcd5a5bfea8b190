"""Automation candidates: topics ranked by volume x median handling time, with the procedure that would
remove them. Handling time = desk time (handoff to resolution, business hours) for handed-off conversations,
the conversation's own length otherwise."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from analytics.records import Conversation
from analytics.stats import median
from analytics.topics import Topic
from analytics.worktime import business_seconds
from handoff.settings import BusinessHours

# (pattern over the topic's terms and example, suggested procedure)
PROCEDURES: tuple[tuple[str, str], ...] = (
    (r"password|locked|unlock|sign in|login", "Self-service password reset with MFA check (no agent needed)"),
    (
        r"access|permission|share|folder|drive",
        "Access request form with automatic manager approval and provisioning",
    ),
    (r"backup|restore|version", "Scheduled backup health check with alerts, and self-service file restore"),
    (
        r"disk|space|storage|full|temp",
        "Scheduled disk clean-up (temp files, caches, old updates) with a low-space alert",
    ),
    (r"install|software|licen[cs]e|app store", "Self-service software catalogue with pre-approved packages"),
    (r"print|toner|queue", "Scheduled print-queue reset and toner-level alerts to facilities"),
    (r"vpn|tunnel|remote", "Scripted VPN repair (reset adapter, renew certificate) offered by the bot"),
    (r"wifi|wireless", "Guided Wi-Fi reset flow and automatic access-point health checks"),
    (r"email|outlook|mailbox", "Scripted Outlook profile repair and mailbox-size alerts"),
)


def procedure_for(text: str) -> str:
    for pattern, procedure in PROCEDURES:
        if re.search(pattern, text, re.IGNORECASE):
            return procedure
    return "Write a guided diagnostic script for this topic"


def handling_minutes(conv: Conversation, hours: BusinessHours) -> float:
    ticket = conv.ticket
    if ticket and ticket.resolution_time:
        return business_seconds(hours, ticket.handoff_time, ticket.resolution_time) / 60
    return (conv.ended - conv.started).total_seconds() / 60


def candidates(
    conversations: list[Conversation], topics: list[Topic], hours: BusinessHours
) -> list[dict[str, Any]]:
    by_topic: dict[int, list[Conversation]] = defaultdict(list)
    for conv in conversations:
        by_topic[conv.topic].append(conv)
    rows = []
    for topic in topics:
        convs = by_topic.get(topic.topic_id, [])
        if not convs:
            continue
        minutes = median([handling_minutes(c, hours) for c in convs]) or 0.0
        rows.append(
            {
                "topic": topic.name,
                "volume": len(convs),
                "handling_minutes_median": round(minutes, 1),
                "score": round(len(convs) * minutes, 1),
                "procedure": procedure_for(" ".join(topic.terms) + " " + topic.representative),
                "example": topic.representative,
            }
        )
    return sorted(rows, key=lambda r: -r["score"])
