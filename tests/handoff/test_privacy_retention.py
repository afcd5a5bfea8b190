"""Retention: old conversations and tickets are purged, ratings and counts stay for reports."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from handoff.privacy_store import CustomerKey, PrivacyStore
from tests.handoff.conftest import AUTH, handoff_body


@pytest.fixture
def engine() -> dict[str, Any]:
    """These tests edit and read the SQLite files themselves."""
    return {}


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
    db = tmp_path / "handoff.db"
    with sqlite3.connect(db) as conn:  # handed off 200 days ago
        conn.execute(
            "UPDATE tickets SET handoff_time = ? WHERE id = ?",
            ((now - dt.timedelta(days=200)).isoformat(), old_ticket),
        )

    counts = PrivacyStore(db, tmp_path / "tracker.db").purge_older_than(90, actor="test")

    assert counts["conversations"] == 1 and counts["tickets_anonymised"] == 1
    for path in (db, tmp_path / "tracker.db"):
        stored = b"".join(p.read_bytes() for p in tmp_path.glob(path.name + "*"))
        assert b"ancient wombat" not in stored
        assert b"fresh otter" in stored
    with sqlite3.connect(db) as conn:
        rating, user, queue = conn.execute(
            "SELECT satisfaction_rating, customer_channel_user_id, queue FROM tickets WHERE id = ?",
            (old_ticket,),
        ).fetchone()
        assert (rating, user, queue) == (4, "", "network")  # counted in reports, nobody identifiable
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 2
        assert conn.execute("SELECT action FROM privacy_audit").fetchall()[-1] == ("retention_purge",)
    assert new_ticket != old_ticket


async def test_export_and_erase_find_the_customer_by_channel_and_id(client: Any, tmp_path: Path) -> None:
    _tracker(tmp_path / "tracker.db", {"alice-1": (dt.datetime.now(dt.UTC).timestamp(), "alice's kettle")})
    await _closed_ticket(client, "alice-1", "alice's kettle")
    store = PrivacyStore(tmp_path / "handoff.db", tmp_path / "tracker.db")
    customer = CustomerKey.parse("rest:alice-1")
    exported = store.export(customer, actor="test")
    assert exported["conversations"][0]["messages"][0]["text"] == "alice's kettle"
    assert exported["tickets"][0]["satisfaction_comment"] == "alice's kettle"
    assert store.export(CustomerKey.parse("socketio:alice-1"), actor="test")["tickets"] == []
    assert store.erase(customer, actor="test")["tickets"] == 1
    assert store.export(customer, actor="test")["conversations"] == []


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
