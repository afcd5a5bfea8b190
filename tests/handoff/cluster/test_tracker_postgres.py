"""Privacy export, erasure and retention reach Rasa's conversations when its tracker store is PostgreSQL
(the cluster profile): the customer's words are gone from the `rasa` database, not only from the tickets."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import asyncpg
import pytest

from handoff.privacy_store import CustomerKey, PrivacyStore
from handoff.state import DATABASE
from stack.engines import PostgresServer
from tests.handoff.conftest import AUTH, handoff_body

pytestmark = pytest.mark.cluster
_numbers = itertools.count(1)
# The table Rasa 3.6's SQLTrackerStore creates on PostgreSQL (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS = """CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
type_name VARCHAR(255) NOT NULL, timestamp DOUBLE PRECISION, intent_name VARCHAR(255),
action_name VARCHAR(255), data TEXT)"""


async def _rasa_tracker(postgres: PostgresServer, conversations: dict[str, tuple[float, str]]) -> str:
    url = postgres.create_database(f"rasa_tracker_{next(_numbers)}")
    conn = await asyncpg.connect(url)
    await conn.execute(RASA_EVENTS)
    for sender, (stamp, text) in conversations.items():
        data = {"event": "user", "timestamp": stamp, "text": text, "input_channel": "rest"}
        await conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ($1, 'user', $2, $3)",
            sender,
            stamp,
            json.dumps(data),
        )
    await conn.close()
    return url


async def _texts(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [json.loads(r["data"])["text"] for r in await conn.fetch("SELECT data FROM events")]
    finally:
        await conn.close()


async def test_export_and_erase_reach_a_postgresql_tracker_store(
    client: Any, postgres: PostgresServer
) -> None:
    now = dt.datetime.now(dt.UTC).timestamp()
    url = await _rasa_tracker(
        postgres, {"bob-1": (now, "bob's flickering lamp"), "eve-2": (now, "eve stays")}
    )
    created = await client.post("/api/handoffs", json=handoff_body("bob-1", channel="rest"), headers=AUTH)
    assert created.status in (200, 201)
    store = PrivacyStore(client.app[DATABASE], url)
    customer = CustomerKey.parse("rest:bob-1")

    exported = await store.export(customer, actor="test")
    assert exported["conversations"][0]["messages"][0]["text"] == "bob's flickering lamp"

    erased = await store.erase(customer, actor="test")
    assert erased["tracker_events"] == 1 and erased["tickets"] == 1
    assert await _texts(url) == ["eve stays"]  # only that customer's conversation is gone


async def test_retention_purges_old_conversations_from_a_postgresql_tracker_store(
    client: Any, postgres: PostgresServer
) -> None:
    now = dt.datetime.now(dt.UTC)
    old = (now - dt.timedelta(days=200)).timestamp()
    url = await _rasa_tracker(
        postgres, {"old-chat": (old, "ancient wombat"), "new-chat": (now.timestamp(), "otter")}
    )
    counts = await PrivacyStore(client.app[DATABASE], url).purge_older_than(90, actor="test")
    assert counts["conversations"] == 1
    assert await _texts(url) == ["otter"]
