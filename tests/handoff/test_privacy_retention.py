"""Retention: old conversations and tickets are purged, ratings and counts stay for reports."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from handoff.privacy_store import CustomerKey, PrivacyStore
from handoff.state import DATABASE
from tests.handoff.conftest import AUTH, ClientFactory, handoff_body

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
    long_ago = (now - dt.timedelta(days=200)).isoformat()
    await database.execute(  # handed off and cancelled 200 days ago
        "UPDATE tickets SET handoff_time = ?, resolution_time = ? WHERE id = ?",
        (long_ago, long_ago, old_ticket),
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


async def _backdate(database: Any, ticket_id: int, handed_off_days: int, ended_days: int | None) -> None:
    now = dt.datetime.now(dt.UTC)
    ended = None if ended_days is None else (now - dt.timedelta(days=ended_days)).isoformat()
    await database.execute(
        "UPDATE tickets SET handoff_time = ?, resolution_time = ? WHERE id = ?",
        ((now - dt.timedelta(days=handed_off_days)).isoformat(), ended, ticket_id),
    )


async def test_the_running_service_purges_on_its_schedule_counting_from_when_a_ticket_ended(
    make_client: ClientFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retention loop of the real app, checking every 0.2 s: a ticket that ended 100 days ago loses its
    text and request form; one opened 100 days ago but closed last week keeps it (90 days after it ENDED)."""
    now = dt.datetime.now(dt.UTC).timestamp()
    _tracker(tmp_path / "tracker.db", {"old-chat": (now - 100 * 86400, "ancient wombat printer"),
                                        "slow-chat": (now - 7 * 86400, "patient heron scanner")})  # fmt: skip
    monkeypatch.setenv("HANDOFF_TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("HANDOFF_RETENTION_CHECK_SECONDS", "0.2")
    client = await make_client()
    database = client.app[DATABASE]
    old = await _closed_ticket(client, "old-chat", "ancient wombat printer")
    slow = await _closed_ticket(client, "slow-chat", "patient heron scanner")
    request = handoff_body("old-request", channel="rest", summary="new laptop", ticket_type="request",
                           request_type="laptop", request_details={"Asset tag": "ancient wombat 42"})  # fmt: skip
    asked = (await (await client.post("/api/handoffs", json=request, headers=AUTH)).json())["ticket_id"]
    await client.post(f"/api/handoffs/{asked}/cancel", headers=AUTH)
    await _backdate(database, old, 100, 100)
    await _backdate(database, slow, 100, 7)
    await _backdate(database, asked, 120, None)  # never worked: counted from its handoff

    for _ in range(100):
        row = await database.fetchrow("SELECT COUNT(*) FROM tickets WHERE customer_channel_user_id = ''")
        if row[0] == 2:
            break
        await asyncio.sleep(0.1)
    rows = {r[0]: r[1:] for r in await database.fetch("SELECT id, summary, request_details FROM tickets")}
    assert rows[old] == ("", None) and rows[asked] == ("", None)
    assert rows[slow][0] == "patient heron scanner"
    await asyncio.sleep(0.5)  # the loop's VACUUM of its last round
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("*.db*"))
    assert b"ancient wombat" not in stored and b"patient heron" in stored


def test_request_form_answers_are_redacted_but_the_customers_own_id_is_kept() -> None:
    from handoff.models import HandoffRequest
    from handoff.privacy_text import redacted_handoff

    body = handoff_body("+447700900123", channel="twilio", ticket_type="request", request_type="data_erasure",
                        customer={"channel_user_id": "+447700900123"},
                        summary="Erase twilio:+447700900123, or call me on 07700 900456",
                        request_details={"Customer": "twilio:+447700900123", "Note": "card 4111 1111 1111 1111"})  # fmt: skip
    cleaned = redacted_handoff(HandoffRequest.model_validate(body))
    assert cleaned.summary == "Erase twilio:+447700900123, or call me on [phone number]"
    assert cleaned.request_details == {"Customer": "twilio:+447700900123", "Note": "card [card number]"}
