"""The real handoff app on a temporary SQLite file; Rasa is not running (delivery is reported as failed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from handoff import Settings, create_app
from handoff.settings import BusinessHours

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


ClientFactory = Callable[..., Any]


@pytest.fixture
async def make_client(aiohttp_client: Any, tmp_path: Path) -> ClientFactory:
    async def factory(**overrides: Any) -> TestClient:
        return await aiohttp_client(create_app(make_settings(tmp_path, **overrides)))

    return factory


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient:
    return await make_client()
