"""One row per conversation, for a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

from analytics.findings import Findings
from analytics.patterns import product_of

COLUMNS = [
    "conversation_id",
    "customer",
    "channel",
    "started",
    "ended",
    "topic",
    "product",
    "first_message",
    "resolution",
    "handed_off",
    "ticket_id",
    "reason",
    "priority",
    "status",
    "agent",
    "rating",
]


def write(found: Findings, path: Path) -> None:
    names = {t.topic_id: t.name for t in found.topics}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for c in found.conversations:
            t = c.ticket
            writer.writerow(
                [
                    c.conversation_id,
                    c.customer,
                    c.channel,
                    c.started.isoformat(),
                    c.ended.isoformat(),
                    names.get(c.topic, ""),
                    product_of(c),
                    c.first_text,
                    c.resolution or "",
                    int(c.handed_off),
                    t.ticket_id if t else "",
                    t.reason if t else "",
                    t.priority if t else "",
                    t.status if t else "",
                    (t.agent or "") if t else "",
                    (t.rating if t and t.rating is not None else ""),
                ]
            )
