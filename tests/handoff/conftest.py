"""The real handoff app on a temporary SQLite file, and again on PostgreSQL (marker `cluster`: one server
for the session, a fresh database per test copied from a migrated template); Rasa is not running (delivery is
reported as failed)."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from handoff import Settings, create_app
from handoff.postgres_db import PostgresDatabase
from handoff.settings import BusinessHours
from stack.engines import PostgresServer
from stack.ports import free_port

TOKEN = "test-bot-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_token": TOKEN,
        "session_secret": "test-session-secret-0123456789abcdef",
        "db": tmp_path / "handoff.db",
        "rasa_url": "http://127.0.0.1:9",
        "rasa_timeout_seconds": 0.5,
        "hours": BusinessHours(always_open=True),
        "tracker_poll_seconds": 3600,
    }
    values.update(overrides)
    return Settings(**values)


def handoff_body(conversation_id: str = "conv-1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conversation_id": conversation_id,
        "channel": "socketio",
        "customer": {"channel_user_id": conversation_id, "name": "Sam", "email": "sam@example.com"},
        "summary": "My Wi-Fi keeps dropping",
        "category": "wifi",
        "reason": "customer_request",
        "escalation_type": "technical",
        "queue": "network",
        "priority": "normal",
        "contact_time": "2025-03-03T10:00:00+00:00",
        "transcript": [
            {"role": "customer", "text": "My Wi-Fi keeps dropping", "timestamp": "2025-03-03T10:00:00+00:00"},
            {"role": "bot", "text": "Let's check your router.", "timestamp": "2025-03-03T10:00:01+00:00"},
            {"role": "customer", "text": "I want a person", "timestamp": "2025-03-03T10:01:00+00:00"},
        ],
        "actions_taken": [
            {"type": "kb_article", "at": "2025-03-03T10:00:01+00:00", "doc_id": "wifi-drops", "helped": False}
        ],
    }
    body.update(overrides)
    return body


async def open_ticket(client: TestClient, conversation_id: str = "conv-1", **fields: Any) -> dict[str, Any]:
    """A ticket opened through the API as the bot opens one (`handoff_body` with `fields`): the API's answer
    (ticket_id, status, agents_online...)."""
    reply = await client.post("/api/handoffs", json=handoff_body(conversation_id, **fields), headers=AUTH)
    assert reply.status in (200, 201), await reply.text()
    answer: dict[str, Any] = await reply.json()
    return answer


ClientFactory = Callable[..., Any]
TEMPLATE = "handoff_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """Our own PostgreSQL for the whole session (127.0.0.1, a free port, removed at the end)."""
    server = PostgresServer(port=free_port())
    server.start()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    """A database with every migration applied, copied for each test (much faster than migrating)."""

    async def migrate(url: str) -> None:
        await (await PostgresDatabase.open(url)).close()

    asyncio.run(migrate(postgres.create_database(TEMPLATE)))
    return TEMPLATE


def fresh_postgres_database(postgres: PostgresServer, template: str) -> str:
    name = f"handoff_test_{os.getpid()}_{next(_databases)}"
    psql = [str(shutil.which("psql")), "-h", "127.0.0.1", "-p", str(postgres.port), "-U", postgres.user]
    done = subprocess.run(
        [*psql, "-d", "postgres", "-c", f'CREATE DATABASE "{name}" TEMPLATE "{template}"'],
        env={**os.environ, "PGPASSWORD": postgres.password},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return postgres.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.cluster)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Settings overrides that put the app on SQLite (a file in tmp_path) or on a fresh PostgreSQL database
    (customers' files then in tmp_path too, not the default var/attachments)."""
    if request.param == "sqlite":
        return {}
    server = request.getfixturevalue("postgres")
    return {
        "database_url": fresh_postgres_database(server, request.getfixturevalue("postgres_template")),
        "attachments_dir": tmp_path / "attachments",
    }


@pytest.fixture
async def make_client(aiohttp_client: Any, tmp_path: Path, engine: dict[str, Any]) -> ClientFactory:
    async def factory(**overrides: Any) -> TestClient:
        return await aiohttp_client(create_app(make_settings(tmp_path, **engine, **overrides)))

    return factory


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient:
    return await make_client()
