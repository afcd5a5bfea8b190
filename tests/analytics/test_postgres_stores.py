"""The support review reads Rasa's tracker store on PostgreSQL (the cluster profile: TRACKER_DB is the
postgresql:// URL Rasa writes to), with the same rules as on SQLite."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from analytics import postgres_rows
from analytics.tracker_source import read_conversations
from handoff.models import HandoffRequest
from handoff.postgres_db import PostgresDatabase
from handoff.store import Store
from stack.cluster_env import cluster_env
from stack.engines import PostgresServer
from tests.handoff.conftest import fresh_postgres_database, handoff_body

pytestmark = pytest.mark.cluster
# The table Rasa 3.6's SQLTrackerStore creates on PostgreSQL (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS = """CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
type_name VARCHAR(255) NOT NULL, timestamp DOUBLE PRECISION, intent_name VARCHAR(255),
action_name VARCHAR(255), data TEXT)"""
T0 = 1_790_000_000.0
ROOT = Path(__file__).resolve().parents[2]


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


async def _one_ticket(url: str, conversation: str, at: float) -> None:
    database = await PostgresDatabase.open(url)
    try:
        store = Store(database)
        when = dt.datetime.fromtimestamp(at, dt.UTC)
        ticket = await store.create_ticket(HandoffRequest(**handoff_body(conversation)), "waiting", when)
        await store.transition(ticket, ("waiting",), "resolved", resolution_time=when + dt.timedelta(hours=1))
        await store.update(ticket, satisfaction_rating=2, satisfaction_comment="Took hours to hear back")
    finally:
        await database.close()


def test_report_runs_on_the_cluster_stores(
    postgres: PostgresServer, postgres_template: str, tmp_path: Path
) -> None:
    """`report` with the cluster profile's environment (stack/cluster_env.py): both stores on PostgreSQL."""
    tracker = postgres.create_database("analytics_rasa_report")
    handoff = fresh_postgres_database(postgres, postgres_template)
    user = {"event": "user", "input_channel": "socketio", "metadata": {}}
    events: list[tuple[str, dict[str, object]]] = []
    for i in range(4):
        sender, start = f"pg-{i}", T0 + i * 600
        events += [
            (sender, {"event": "session_started", "timestamp": start - 1}),
            (sender, {**user, "timestamp": start, "text": f"my laptop {i} will not turn on"}),
            (sender, {"event": "bot", "timestamp": start + 1, "text": "Let me pass you to a person."}),
        ]
    events.append(("pg-0", {**user, "timestamp": T0 + 3600, "text": "EXTERNAL: handoff_resolved"}))
    asyncio.run(_write(tracker, events))
    asyncio.run(_one_ticket(handoff, "pg-0", T0 + 30))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        **cluster_env({"rasa": tracker, "handoff": handoff}, "redis://127.0.0.1:9/0"),
        "HANDOFF_DB": str(tmp_path / "no-such.db"),
    }
    since = dt.datetime.fromtimestamp(T0, dt.UTC).date() - dt.timedelta(days=1)
    out = tmp_path / "review.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "report",
            "--since",
            since.isoformat(),
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "(4 conversations)" in done.stdout
    html = out.read_text(encoding="utf-8")
    assert "Took hours to hear back" in html and "EXTERNAL" not in html
