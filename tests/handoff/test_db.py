"""Numbered migrations: applied once, recorded in schema_version, safe to re-run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite

from handoff import create_app, db
from handoff.routing import can_see
from handoff.sqlite_db import SqliteDatabase
from handoff.store import Store
from handoff.users import Agent
from tests.handoff.conftest import AUTH, handoff_body, make_settings


async def test_migrations_apply_once_and_record_their_version(tmp_path: Path) -> None:
    path = tmp_path / "handoff.db"
    database = await SqliteDatabase.open(path)
    versions = [v for v, _, _ in db.migrations()]
    assert [
        r[0] for r in await database.fetch("SELECT version FROM schema_version ORDER BY version")
    ] == versions
    await database.close()
    database = await SqliteDatabase.open(path)  # second start: nothing re-applied, no error
    assert await database.migrate() == versions[-1]
    count = (await database.fetchrow("SELECT COUNT(*) FROM canned_responses"))[0]
    assert count == 4  # seed rows were not inserted twice
    await database.close()


OLD_QUEUES_AND_TYPES = [
    ("general", "horizontal"),
    ("network", "technical"),
    ("hardware", "technical"),
    ("software", "technical"),
    ("account", "administrative"),
    ("complaint", "vertical"),
]


async def _old_schema_db(path: Path) -> None:
    """A database as version 0001 left it: escalation_type held the queue name, no queue column."""
    version, name, sql = db.migrations()[0]
    conn = await aiosqlite.connect(path)
    await conn.executescript(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);"
        f"{sql}\nINSERT INTO schema_version VALUES ({version}, '{name}', '2025-03-01T00:00:00+00:00');"
    )
    for number, (old, _) in enumerate(OLD_QUEUES_AND_TYPES):
        await conn.execute(
            "INSERT INTO tickets (conversation_id, status, channel, customer_channel_user_id, summary, reason,"
            " escalation_type, priority, handoff_time, actions_taken)"
            " VALUES (?, 'waiting', 'socketio', ?, 'old ticket', 'customer_request', ?, 'normal', ?, '[]')",
            (f"conv-{number}", f"conv-{number}", old, f"2025-03-01T10:0{number}:00+00:00"),
        )
    await conn.commit()
    await conn.close()


async def test_queue_migration_moves_old_values_to_queue_and_derives_the_type(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await _old_schema_db(path)
    database = await SqliteDatabase.open(path)
    store = Store(database)
    tickets = await store.list_tickets(("waiting",))
    assert [(t.queue, t.escalation_type) for t in sorted(tickets, key=lambda t: t.ticket_id)] == (
        OLD_QUEUES_AND_TYPES
    )
    # The migrated tickets are routed by their queue: each is first (and alone) in its queue.
    assert [await store.waiting_ahead(t) for t in tickets] == [0] * len(tickets)
    nina = Agent(1, "nina", "Nina", "x", "agent", ("network",), "online")
    assert sorted(t.queue for t in tickets if can_see(nina, t)) == ["general", "network"]
    await database.close()


async def test_an_old_database_with_two_open_tickets_for_one_conversation_keeps_the_newest(
    tmp_path: Path,
) -> None:
    """Before the unique index, a race could leave two open tickets; the upgrade closes the older one."""
    path = tmp_path / "old.db"
    await _old_schema_db(path)
    conn = await aiosqlite.connect(path)
    await conn.execute(
        "INSERT INTO tickets (conversation_id, status, channel, customer_channel_user_id, summary, reason,"
        " escalation_type, priority, handoff_time, actions_taken)"
        " VALUES ('conv-0', 'waiting', 'socketio', 'conv-0', 'again', 'customer_request', 'general', 'normal',"
        " '2025-03-01T11:00:00+00:00', '[]')"
    )
    await conn.commit()
    await conn.close()
    database = await SqliteDatabase.open(path)
    tickets = await Store(database).tickets_for_conversation("conv-0")
    assert [(t.summary, t.status) for t in tickets] == [("old ticket", "cancelled"), ("again", "waiting")]
    assert "duplicate" in (tickets[0].resolution_notes or "")
    await database.close()


async def test_an_old_database_serves_the_api_after_the_upgrade(aiohttp_client: Any, tmp_path: Path) -> None:
    await _old_schema_db(tmp_path / "handoff.db")
    client = await aiohttp_client(create_app(make_settings(tmp_path)))
    old = await (await client.get("/api/handoffs/6", headers=AUTH)).json()
    assert (old["queue"], old["escalation_type"]) == ("complaint", "vertical")
    created = await client.post("/api/handoffs", json=handoff_body("conv-new"), headers=AUTH)
    new = await (
        await client.get(f"/api/handoffs/{(await created.json())['ticket_id']}", headers=AUTH)
    ).json()
    assert (new["ticket_id"], new["queue"], new["escalation_type"]) == (7, "network", "technical")
