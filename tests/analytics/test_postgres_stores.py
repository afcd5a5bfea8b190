"""The support review reads Rasa's tracker store on PostgreSQL (the cluster profile: TRACKER_DB is the
postgresql:// URL Rasa writes to), with the same rules as on SQLite."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest

from analytics import postgres_rows
from analytics.tracker_source import read_conversations
from stack.engines import PostgresServer

pytestmark = pytest.mark.cluster
# The table Rasa 3.6's SQLTrackerStore creates on PostgreSQL (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS = """CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
type_name VARCHAR(255) NOT NULL, timestamp DOUBLE PRECISION, intent_name VARCHAR(255),
action_name VARCHAR(255), data TEXT)"""
T0 = 1_790_000_000.0


async def _write(url: str, events: list[tuple[str, dict[str, object]]]) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(RASA_EVENTS)
        for sender, data in events:
            await conn.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, action_name, data)"
                " VALUES ($1, $2, $3, $4, $5)",
                sender,
                data["event"],
                data["timestamp"],
                data.get("name"),
                json.dumps(data),
            )
    finally:
        await conn.close()


def test_conversations_come_from_a_postgresql_tracker_store(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_rows, "BATCH", 500)  # several batches, read as one stream
    url = postgres.create_database("analytics_rasa_tracker")
    user = {"event": "user", "input_channel": "socketio", "metadata": {}}
    events = [
        ("ana", {"event": "session_started", "timestamp": T0 - 1}),
        ("ana", {**user, "timestamp": T0, "text": "vpn keeps dropping"}),
        ("ana", {"event": "bot", "timestamp": T0 + 1, "text": "Try this."}),
        ("ana", {"event": "slot", "timestamp": T0 + 2, "name": "kb_miss_count", "value": 1}),
        ("ana", {**user, "timestamp": T0 + 60, "text": "EXTERNAL: handoff_resolved"}),
        ("bo", {"event": "session_started", "timestamp": T0 - 1}),
        ("bo", {**user, "timestamp": T0, "text": "EXTERNAL: handoff_agent_joined"}),
    ] + [(f"c{i}", {**user, "timestamp": T0 + i, "text": f"printer {i} jammed"}) for i in range(1200)]
    asyncio.run(_write(url, events))
    conversations = list(read_conversations(url))
    assert len(conversations) == 1 + 1200  # bo's trigger alone is not a conversation; batches joined up
    ana = conversations[0]
    assert (ana.conversation_id, ana.texts, ana.kb_missed) == ("ana#1", ["vpn keeps dropping"], True)
    assert (ana.first_bot_reply.timestamp(), ana.ended.timestamp()) == (T0 + 1, T0 + 60)
