"""Knowledge at hand when the knowledge base index is missing: the console says so, nothing breaks."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from tests.handoff.conftest import AUTH, handoff_body
from tests.handoff.test_console import add_user, log_in


async def test_a_missing_index_gives_a_clear_answer_not_a_crash(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "no-index-here"))
    await add_user(client, "alice")
    await log_in(client, "alice")
    created = await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json()
    reply = await client.get(f"/console/api/tickets/{created['ticket_id']}/suggestions")
    body = await reply.json()
    assert reply.status == 503 and body["articles"] == []
    assert body["error"] == "Suggestions are not available right now."
    detail = await client.get(f"/console/api/tickets/{created['ticket_id']}")
    assert detail.status == 200  # the ticket itself still opens


async def test_suggestions_are_only_for_agents(client: TestClient) -> None:
    created = await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json()
    reply = await client.get(f"/console/api/tickets/{created['ticket_id']}/suggestions")
    assert reply.status in (401, 403)
