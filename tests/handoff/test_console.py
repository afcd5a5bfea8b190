"""Agent console on the real app: login, CSRF, live socket, claim, reply, notes, resolve, exports."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from handoff.state import STORE
from handoff.users import hash_password
from tests.handoff.conftest import AUTH, handoff_body

PASSWORD = "correct horse battery"


async def add_user(client: TestClient, username: str, role: str = "agent") -> None:
    await client.app[STORE].create_user(username, username.title(), hash_password(PASSWORD), role)


async def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    page = await (await client.get("/console/login")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = await client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf": csrf},
        allow_redirects=False,
    )
    if response.status != 302:
        return ""
    console = await (await client.get("/console")).text()
    return re.search(r'name="csrf-token" content="([^"]+)"', console).group(1)


async def test_console_and_its_api_refuse_anonymous_requests(client: TestClient) -> None:
    page = await client.get("/console", allow_redirects=False)
    assert page.status == 302 and page.headers["Location"] == "/console/login"
    assert (await client.get("/console/api/queue")).status == 401
    assert (await client.post("/console/api/tickets/1/claim", json={})).status == 401
    export = await client.get("/console/tickets/1/transcript.json", allow_redirects=False)
    assert export.status == 302 and export.headers["Location"] == "/console/login"
    assert (await client.get("/console/ws")).status == 401


async def test_wrong_password_is_refused(client: TestClient) -> None:
    await add_user(client, "alice")
    assert await log_in(client, "alice", "not the password") == ""
    assert (await client.get("/console/api/queue")).status == 401


async def test_login_without_the_csrf_token_is_refused(client: TestClient) -> None:
    await add_user(client, "alice")
    response = await client.post("/console/login", data={"username": "alice", "password": PASSWORD})
    assert response.status == 403


async def test_agent_claims_chats_notes_and_resolves(client: TestClient) -> None:
    await add_user(client, "alice")
    csrf = await log_in(client, "alice")
    assert csrf
    ws = await client.ws_connect("/console/ws")  # the agent is online while the console is open
    created = await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json()
    assert created["status"] == "waiting" and created["queue_position"] == 1
    notice = await ws.receive_json(timeout=5)
    assert notice["type"] == "ticket_created" and notice["ticket"]["ticket_id"] == created["ticket_id"]

    second = await (await client.post("/api/handoffs", json=handoff_body("conv-2"), headers=AUTH)).json()
    assert (
        second["queue_position"] == 2 and second["estimated_wait_minutes"] > created["estimated_wait_minutes"]
    )

    ticket_path = f"/console/api/tickets/{created['ticket_id']}"
    assert (await client.post(f"{ticket_path}/claim", json={})).status == 403  # no CSRF header
    headers = {"X-CSRF-Token": csrf}
    claimed = await client.post(f"{ticket_path}/claim", json={}, headers=headers)
    assert claimed.status == 200 and (await claimed.json())["assigned_agent"] == "Alice"
    assert (await client.post(f"{ticket_path}/claim", json={}, headers=headers)).status == 409

    reply = await client.post(
        f"{ticket_path}/messages", json={"text": "Hi, I'm Alice <b>from IT</b>"}, headers=headers
    )
    assert reply.status == 201
    assert (await reply.json())["delivered"] is False  # no Rasa in this test; the console says so
    assert (
        await client.post(f"{ticket_path}/notes", json={"text": "router is old"}, headers=headers)
    ).status == 201
    assert (await client.post(f"{ticket_path}/resolve", json={"notes": ""}, headers=headers)).status == 400
    done = await client.post(f"{ticket_path}/resolve", json={"notes": "Replaced the router"}, headers=headers)
    assert (await done.json())["status"] == "resolved"

    ticket = await (await client.get(f"/api/handoffs/{created['ticket_id']}", headers=AUTH)).json()
    assert ticket["first_agent_response_time"] and ticket["resolution_time"]
    assert ticket["resolution_notes"] == "Replaced the router"
    assert ("agent", "Hi, I'm Alice <b>from IT</b>", "Alice") in [
        (m["role"], m["text"], m["author"]) for m in ticket["transcript"]
    ]
    assert [n["text"] for n in ticket["notes"]][-1] == "router is old"
    metrics = await (await client.get("/metrics", headers=AUTH)).text()
    assert "handoff_first_response_seconds_count 1.0" in metrics
    assert "handoff_wait_seconds_count 1.0" in metrics  # handoff to claim
    assert 'handoff_queue_length{queue="network"} 1.0' in metrics  # conv-2 still waits
    await ws.close()


async def test_exports_escape_customer_text(client: TestClient) -> None:
    await add_user(client, "alice")
    await log_in(client, "alice")
    body = handoff_body(summary="<script>alert(1)</script>")
    ticket_id = (await (await client.post("/api/handoffs", json=body, headers=AUTH)).json())["ticket_id"]
    html = await (await client.get(f"/console/tickets/{ticket_id}/transcript.html")).text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<dt>Queue</dt><dd>network · technical escalation</dd>" in html
    exported = await (await client.get(f"/console/tickets/{ticket_id}/transcript.json")).json()
    assert exported["summary"] == "<script>alert(1)</script>"


async def test_supervisor_view_is_for_supervisors(client: TestClient) -> None:
    await add_user(client, "alice")
    await log_in(client, "alice")
    assert (await client.get("/console/supervisor")).status == 403
    await add_user(client, "sue", role="supervisor")
    await log_in(client, "sue")
    await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)
    page = await client.get("/console/supervisor")
    text = await page.text()
    assert page.status == 200 and "My Wi-Fi keeps dropping" in text
    assert "<th>Queue</th><th>Escalation</th>" in text
    assert "<td>network</td><td>technical</td>" in text  # the skill queue and the escalation type


async def test_widget_and_demo_are_served(client: TestClient) -> None:
    script = await client.get("/widget.js")
    assert script.status == 200 and "textContent" in await script.text()
    demo = await (await client.get("/demo")).text()
    assert 'src="/widget.js"' in demo and 'data-rasa-url="http://127.0.0.1:9"' in demo
    assert (await client.get("/web/vendor/socket.io.min.js")).status == 200
