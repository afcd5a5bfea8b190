"""Read handoff tickets, read-only: plain sqlite3 on the SQLite file, or a read-only asyncpg session when
the handoff service runs on PostgreSQL (HANDOFF_DATABASE_URL). Newer columns are used when a migration added
them."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from analytics.records import TicketRecord
from analytics.settings import AnalyticsError
from analytics.tracker_source import open_readonly

_SELECT = (
    "SELECT t.*, u.display_name AS agent_name FROM tickets t"
    " LEFT JOIN users u ON u.id = t.assigned_agent_id ORDER BY t.id"
)


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _json(value: str | None) -> dict[str, Any] | None:
    try:
        parsed = json.loads(value) if value else None
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) and parsed else None


def _sqlite_rows(path: Path) -> tuple[set[str], Sequence[Mapping[str, Any]]]:
    conn = open_readonly(path)
    conn.row_factory = sqlite3.Row
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(tickets)")}
        return columns, conn.execute(_SELECT).fetchall()
    finally:
        conn.close()


async def _postgres_rows(url: str) -> tuple[set[str], Sequence[Mapping[str, Any]]]:
    try:
        conn = await asyncpg.connect(url, timeout=10, server_settings={"default_transaction_read_only": "on"})
    except (OSError, asyncpg.PostgresError) as exc:
        raise AnalyticsError(f"the handoff database (HANDOFF_DATABASE_URL) did not answer: {exc}") from exc
    try:
        columns = {
            r[0]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = 'tickets'"
            )
        }
        return columns, await conn.fetch(_SELECT)
    finally:
        await conn.close()


def read_tickets(path: Path, database_url: str | None = None) -> list[TicketRecord]:
    """From PostgreSQL when `database_url` is given, else from the SQLite file `path`."""
    columns, rows = asyncio.run(_postgres_rows(database_url)) if database_url else _sqlite_rows(path)
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
            request_type=r["request_type"] if "request_type" in columns else None,
            service_level_hours=r["service_level_hours"] if "service_level_hours" in columns else None,
            callback=_json(r["callback"]) if "callback" in columns else None,
        )
        for r in rows
    ]
