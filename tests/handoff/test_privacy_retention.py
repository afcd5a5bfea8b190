"""Retention: old conversations and tickets are purged, ratings and counts stay for reports."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from handoff.privacy_store import CustomerKey, PrivacyStore
from handoff.state import DATABASE
from tests.handoff.conftest import AUTH, handoff_body

# The table Rasa 3.6's SQLTrackerStore creates (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS = """CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL,
type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255),
data TEXT, PRIMARY KEY (id))"""


def _tracker(path: Path, conversations: dict[str, tuple[float, str]]) -> None:
    conn = sqlite3.connect(path)
    conn.execute(RASA_EVENTS)
    for sender, (stamp, text) in conversations.items():
        data = {"event": "user", "timestamp": stamp, "text": text, "input_channel": "rest"}
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
            (sender, stamp, json.dumps(data)),
        )
    conn.commit()
    conn.close()


async def _closed_ticket(client: Any, conversation_id: str, text: str) -> int:
    body = handoff_body(conversation_id, channel="rest", summary=text)
    body["transcript"][0]["text"] = text
    created = await client.post("/api/handoffs", json=body, headers=AUTH)
    ticket_id = (await created.json())["ticket_id"]
    await client.post(f"/api/handoffs/{ticket_id}/cancel", headers=AUTH)
    await client.put(f"/api/handoffs/{ticket_id}/feedback", json={"rating": 4, "comment": text}, headers=AUTH)
    return ticket_id


async def test_purge_removes_old_text_keeps_rating_and_leaves_recent_data(
    client: Any, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    old_stamp = (now - dt.timedelta(days=200)).timestamp()
    _tracker(tmp_path / "tracker.db", {"old-chat": (old_stamp, "ancient wombat printer"),
                                        "new-chat": (now.timestamp(), "fresh otter laptop")})  # fmt: skip
    old_ticket = await _closed_ticket(client, "old-chat", "ancient wombat printer")
    new_ticket = await _closed_ticket(client, "new-chat", "fresh otter laptop")
    database = client.app[DATABASE]  # the service's own database, SQLite or PostgreSQL
    await database.execute(  # handed off 200 days ago
        "UPDATE tickets SET handoff_time = ? WHERE id = ?",
        ((now - dt.timedelta(days=200)).isoformat(), old_ticket),
    )

    counts = await PrivacyStore(database, tmp_path / "tracker.db").purge_older_than(90, actor="test")

    assert counts["conversations"] == 1 and counts["tickets_anonymised"] == 1
    files = [tmp_path / "tracker.db"] + ([tmp_path / "handoff.db"] if database.dialect == "sqlite" else [])
    for path in files:
        stored = b"".join(p.read_bytes() for p in tmp_path.glob(path.name + "*"))
        assert b"ancient wombat" not in stored
        assert b"fresh otter" in stored
    row = await database.fetchrow(
        "SELECT satisfaction_rating, customer_channel_user_id, queue FROM tickets WHERE id = ?", (old_ticket,)
    )
    assert (row[0], row[1], row[2]) == (4, "", "network")  # counted in reports, nobody identifiable
    assert (await database.fetchrow("SELECT COUNT(*) FROM tickets"))[0] == 2
    assert (await database.fetchrow("SELECT action FROM privacy_audit ORDER BY id DESC"))[
        0
    ] == "retention_purge"
    texts = [r[0] for r in await database.fetch("SELECT text FROM messages")]
    assert not any("ancient wombat" in t for t in texts) and any("fresh otter" in t for t in texts)
    assert new_ticket != old_ticket


async def test_export_and_erase_find_the_customer_by_channel_and_id(client: Any, tmp_path: Path) -> None:
    _tracker(tmp_path / "tracker.db", {"alice-1": (dt.datetime.now(dt.UTC).timestamp(), "alice's kettle")})
    await _closed_ticket(client, "alice-1", "alice's kettle")
    store = PrivacyStore(client.app[DATABASE], tmp_path / "tracker.db")
    customer = CustomerKey.parse("rest:alice-1")
    exported = await store.export(customer, actor="test")
    assert exported["conversations"][0]["messages"][0]["text"] == "alice's kettle"
    assert exported["tickets"][0]["satisfaction_comment"] == "alice's kettle"
    assert any(m["text"] == "alice's kettle" for m in exported["ticket_messages"])
    assert (await store.export(CustomerKey.parse("socketio:alice-1"), actor="test"))["tickets"] == []
    erased = await store.erase(customer, actor="test")
    assert erased["tickets"] == 1 and erased["messages"] >= 1
    after = await store.export(customer, actor="test")
    assert after["conversations"] == [] and after["tickets"] == [] and after["ticket_messages"] == []


def test_cli_names_a_bad_customer_key_and_a_bad_retention_period(tmp_path: Path) -> None:
    env = {"HANDOFF_DB": str(tmp_path / "h.db"), "HANDOFF_TRACKER_DB": str(tmp_path / "t.db"), "PATH": ""}
    bad_key = subprocess.run(
        [sys.executable, "-m", "handoff", "privacy", "export", "--customer", "alice"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad_key.returncode == 2 and "CHANNEL:USER_ID" in bad_key.stderr
    bad_days = subprocess.run(
        [sys.executable, "-m", "handoff", "privacy", "purge"],
        env={**env, "HANDOFF_RETENTION_DAYS": "soon"}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad_days.returncode == 2 and "HANDOFF_RETENTION_DAYS" in bad_days.stderr
