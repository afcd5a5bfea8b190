"""The support review reads tickets from PostgreSQL when the handoff service runs there."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from analytics.handoff_source import read_tickets
from analytics.settings import AnalyticsError
from handoff.models import HandoffRequest
from handoff.postgres_db import PostgresDatabase
from handoff.store import Store
from stack.engines import PostgresServer
from tests.handoff.conftest import fresh_postgres_database, handoff_body

pytestmark = pytest.mark.cluster


async def _two_tickets(url: str) -> None:
    database = await PostgresDatabase.open(url)
    store = Store(database)
    nina = await store.create_user("nina", "Nina", "x", "agent")
    now = dt.datetime.now(dt.UTC)
    first = await store.create_ticket(HandoffRequest(**handoff_body("review-1")), "waiting", now)
    await store.create_ticket(HandoffRequest(**handoff_body("review-2", queue="account")), "offline", now)
    await store.transition(first, ("waiting",), "resolved", assigned_agent_id=nina.id, resolution_time=now)
    await store.update(first, satisfaction_rating=5)
    await database.close()


def test_tickets_come_from_postgresql(
    postgres: PostgresServer, postgres_template: str, tmp_path: Path
) -> None:
    url = fresh_postgres_database(postgres, postgres_template)
    asyncio.run(_two_tickets(url))
    tickets = read_tickets(tmp_path / "no-such-file.db", url)
    assert [(t.conversation_id, t.status, t.queue, t.agent, t.rating) for t in tickets] == [
        ("review-1", "resolved", "network", "Nina", 5),
        ("review-2", "offline", "account", None, None),
    ]
    assert tickets[0].resolution_time is not None and tickets[0].ticket_type == "incident"


def test_an_unreachable_database_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnalyticsError, match="HANDOFF_DATABASE_URL"):
        read_tickets(tmp_path / "x.db", "postgresql://nobody:x@127.0.0.1:9/none")
