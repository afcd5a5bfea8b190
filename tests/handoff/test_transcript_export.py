"""The exported transcript names each troubleshooting step and article the way the console does."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.handoff.conftest import AUTH, handoff_body
from tests.handoff.test_console import add_user, log_in

STEP = {
    "type": "diagnostic_step",
    "script_id": "wifi",
    "node_id": "adapter_on",
    "script_title": "No internet or Wi-Fi",
    "step_title": "Adapter on",
    "question": "Is the Wi-Fi adapter enabled?",
    "answer": "<b>yes</b>",
    "result": "yes",
    "result_label": "yes",
}
ARTICLE = {"type": "kb_article", "doc_id": "wifi-connect", "title": "Connect to Wi-Fi", "helped": False}


async def test_export_lists_named_steps_and_articles_escaped(client: TestClient) -> None:
    await add_user(client, "alice")
    await log_in(client, "alice")
    body = handoff_body(actions_taken=[STEP, ARTICLE])
    created = await (await client.post("/api/handoffs", json=body, headers=AUTH)).json()
    page = await (await client.get(f"/console/tickets/{created['ticket_id']}/transcript.html")).text()
    assert "No internet or Wi-Fi — Adapter on" in page and "Asked: Is the Wi-Fi adapter enabled?" in page
    assert "Customer: “&lt;b&gt;yes&lt;/b&gt;”" in page and "<b>yes</b>" not in page
    assert "Help article: Connect to Wi-Fi</strong><br>Customer said it did not help" in page
