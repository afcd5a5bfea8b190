"""Read handoff tickets with plain sqlite3 (read-only); newer columns are used when a migration added them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from analytics.records import TicketRecord
from analytics.tracker_source import open_readonly


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def read_tickets(path: Path) -> list[TicketRecord]:
    conn = open_readonly(path)
    conn.row_factory = sqlite3.Row
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(tickets)")}
        rows = conn.execute(
            "SELECT t.*, u.display_name AS agent_name FROM tickets t"
            " LEFT JOIN users u ON u.id = t.assigned_agent_id ORDER BY t.id"
        ).fetchall()
    finally:
        conn.close()
    return [
        TicketRecord(
            ticket_id=r["id"],
            conversation_id=r["conversation_id"],
            customer=r["customer_channel_user_id"],
            status=r["status"],
            channel=r["channel"],
            summary=r["summary"],
            category=r["category"],
            reason=r["reason"],
            queue=r["queue"] if "queue" in columns else "general",
            priority=r["priority"],
            handoff_time=_time(r["handoff_time"]) or dt.datetime.min.replace(tzinfo=dt.UTC),
            first_agent_response_time=_time(r["first_agent_response_time"]),
            resolution_time=_time(r["resolution_time"]),
            agent=r["agent_name"],
            rating=r["satisfaction_rating"],
            comment=r["satisfaction_comment"],
            resolved_by=r["resolved_by"] if "resolved_by" in columns else None,
            ticket_type=r["ticket_type"] if "ticket_type" in columns else None,
        )
        for r in rows
    ]
