"""Queues by skill: who sees, claims and is alerted about which tickets; transfers; typing; ratings."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from handoff.routing import serves
from handoff.state import DESK, STORE
from handoff.users import Agent, hash_password
from tests.handoff.conftest import AUTH, open_ticket
from tests.handoff.test_attachments import tiny_png

PASSWORD = "correct horse battery"


@dataclass
class Console:
    """One agent's logged-in browser: its own cookies, CSRF token and live socket."""

    http: aiohttp.ClientSession
    csrf: str
    ws: aiohttp.ClientWebSocketResponse

    async def post(self, path: str, body: dict[str, Any]) -> aiohttp.ClientResponse:
        return await self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf})

    async def get_json(self, path: str) -> Any:
        return await (await self.http.get(path)).json()

    async def events(self, kind: str, timeout: float = 0.5) -> list[dict[str, Any]]:
        """Events of one type received until the socket is quiet for `timeout` seconds."""
        seen = []
        while True:
            try:
                event = await self.ws.receive_json(timeout=timeout)
            except TimeoutError:
                return seen
            if event.get("type") == kind:
                seen.append(event)

    async def everything(self, timeout: float = 0.5) -> str:
        """Every event received until the socket is quiet, as the JSON text the browser got."""
        seen = []
        while True:
            try:
                seen.append(await self.ws.receive_json(timeout=timeout))
            except TimeoutError:
                return json.dumps(seen)


@pytest.fixture
async def consoles(client: TestClient) -> AsyncIterator[Any]:
    opened: list[Console] = []

    async def open_console(username: str, role: str = "agent", skills: tuple[str, ...] = ()) -> Console:
        await client.app[STORE].create_user(
            username, username.title(), hash_password(PASSWORD), role, list(skills)
        )
        http = aiohttp.ClientSession(
            base_url=str(client.make_url("")), cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        page = await (await http.get("/console/login")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": PASSWORD, "csrf": csrf}
        assert (await http.post("/console/login", data=form, allow_redirects=False)).status == 302
        console_page = await (await http.get("/console")).text()
        token = re.search(r'name="csrf-token" content="([^"]+)"', console_page).group(1)
        console = Console(http, token, await http.ws_connect("/console/ws"))
        opened.append(console)
        return console

    yield open_console
    for console in opened:
        await console.ws.close()
        await console.http.close()


def agent(skills: tuple[str, ...] = (), role: str = "agent") -> Agent:
    return Agent(1, "a", "A", "x", role, skills, "online")


def test_skills_decide_the_queues_general_is_for_everyone() -> None:
    assert serves(agent(("network",)), "network") and serves(agent(("network",)), "general")
    assert not serves(agent(("network",)), "account")
    assert serves(agent(), "account")  # no skills: every queue
    assert serves(agent(("network",), role="supervisor"), "account")


async def test_agents_see_claim_and_are_alerted_only_for_their_queues(
    client: TestClient, consoles: Any
) -> None:
    net = await consoles("nina", skills=("network",))
    acc = await consoles("arno", skills=("account",))
    boss = await consoles("sue", role="supervisor")

    wifi = await open_ticket(client, "conv-wifi", queue="network")
    login = await open_ticket(client, "conv-login", queue="account", priority="high")
    other = await open_ticket(client, "conv-other", queue="general")
    assert wifi["status"] == login["status"] == "waiting"  # someone works each queue

    alerted = {
        name: [e["ticket"]["ticket_id"] for e in await c.events("ticket_created")]
        for name, c in (("nina", net), ("arno", acc), ("sue", boss))
    }
    assert alerted == {
        "nina": [wifi["ticket_id"], other["ticket_id"]],
        "arno": [login["ticket_id"], other["ticket_id"]],
        "sue": [wifi["ticket_id"], login["ticket_id"], other["ticket_id"]],
    }

    nina_queue = await net.get_json("/console/api/queue")
    assert [t["ticket_id"] for t in nina_queue["tickets"]] == [wifi["ticket_id"], other["ticket_id"]]
    assert nina_queue["me"]["queues"] == ["general", "network"]
    assert {q["queue"]: q["waiting"] for q in nina_queue["queues"]} == {"general": 1, "network": 1}
    # Supervisors see everything, high priority first.
    assert [t["ticket_id"] for t in (await boss.get_json("/console/api/queue"))["tickets"]] == [
        login["ticket_id"],
        wifi["ticket_id"],
        other["ticket_id"],
    ]

    refused = await net.post(f"/console/api/tickets/{login['ticket_id']}/claim", {})
    assert refused.status == 403 and "account queue" in (await refused.json())["error"]
    assert (await net.http.get(f"/console/api/tickets/{login['ticket_id']}")).status == 403
    assert (await net.http.get(f"/console/tickets/{login['ticket_id']}/transcript.json")).status == 403
    assert (await acc.post(f"/console/api/tickets/{login['ticket_id']}/claim", {})).status == 200
    # Only the owner (or a supervisor) speaks for an assigned chat.
    hijack = await net.post(f"/console/api/tickets/{login['ticket_id']}/messages", {"text": "hi"})
    assert hijack.status == 403


async def test_no_agent_for_the_queue_means_offline(client: TestClient, consoles: Any) -> None:
    await consoles("nina", skills=("network",))
    answer = await open_ticket(client, "conv-hw", queue="hardware")
    assert answer["status"] == "offline" and answer["agents_online"] == 0
    assert (await open_ticket(client, "conv-net", queue="network"))["status"] == "waiting"


async def test_transfer_to_a_queue_alerts_that_queue_and_to_an_agent_hands_it_over(
    client: TestClient, consoles: Any
) -> None:
    net = await consoles("nina", skills=("network",))
    acc = await consoles("arno", skills=("account",))
    ticket_id = (await open_ticket(client, "conv-1", queue="network"))["ticket_id"]
    path = f"/console/api/tickets/{ticket_id}"
    assert (await net.post(f"{path}/claim", {})).status == 200
    await acc.events("ticket_updated")  # drain

    moved = await net.post(f"{path}/transfer", {"queue": "account"})
    assert moved.status == 200
    moved_ticket = await moved.json()
    assert moved_ticket["status"] == "waiting" and moved_ticket["queue"] == "account"
    assert moved_ticket["escalation_type"] == "technical"  # moving queues keeps the kind of escalation
    alerts = await acc.events("ticket_transferred")
    assert [(e["ticket"]["ticket_id"], e["by"]) for e in alerts] == [(ticket_id, "Nina")]
    assert ticket_id not in [t["ticket_id"] for t in (await net.get_json("/console/api/queue"))["tickets"]]
    assert ticket_id in [t["ticket_id"] for t in (await acc.get_json("/console/api/queue"))["tickets"]]

    given = await acc.post(f"{path}/transfer", {"username": "nina"})
    assert given.status == 200
    assert (await given.json())["status"] == "assigned" and (await given.json())["assigned_agent"] == "Nina"
    assert [e["ticket"]["ticket_id"] for e in await net.events("ticket_transferred")] == [ticket_id]
    # Nina owns it again although it sits in the account queue.
    assert ticket_id in [t["ticket_id"] for t in (await net.get_json("/console/api/queue"))["tickets"]]
    assert (await acc.post(f"{path}/transfer", {"queue": "general"})).status == 403  # not Arno's chat
    ticket = await (await client.get(f"/api/handoffs/{ticket_id}", headers=AUTH)).json()
    assert [n["text"] for n in ticket["notes"]] == ["Transferred to account.", "Transferred to Nina."]


async def test_typing_reaches_the_consoles_both_ways(client: TestClient, consoles: Any) -> None:
    alice = await consoles("alice")
    bob = await consoles("bob")
    ticket_id = (await open_ticket(client, "conv-1", queue="general"))["ticket_id"]
    typing_path = "/api/conversations/conv-1/typing"
    assert (await client.post(typing_path)).status == 401
    waiting = await client.post(typing_path, headers=AUTH)
    assert waiting.status == 202 and (await waiting.json())["shown"] is False  # nobody owns the chat yet

    assert (await alice.post(f"/console/api/tickets/{ticket_id}/claim", {})).status == 200
    await bob.events("typing")
    typed = await alice.post(f"/console/api/tickets/{ticket_id}/typing", {})
    # No Rasa in these tests, so the customer's chat could not be told; the console learns that.
    assert (await typed.json()) == {"ok": True, "customer_told": False}
    assert [(e["user"], e["role"]) for e in await bob.events("typing")] == [("Alice", "agent")]

    shown = await client.post(typing_path, headers=AUTH)
    assert (await shown.json())["shown"] is True
    seen = [(e["ticket_id"], e["user"]) for e in await alice.events("typing") if e["role"] == "customer"]
    assert seen == [(ticket_id, "The customer")]


async def test_satisfaction_ratings_are_listed_for_supervisors(client: TestClient, consoles: Any) -> None:
    alice = await consoles("alice")
    for number, (rating, comment) in enumerate([(5, "great <b>help</b>"), (2, None)]):
        ticket_id = (await open_ticket(client, f"conv-{number}", queue="general"))["ticket_id"]
        assert (await alice.post(f"/console/api/tickets/{ticket_id}/claim", {})).status == 200
        done = await alice.post(f"/console/api/tickets/{ticket_id}/resolve", {"notes": "fixed"})
        assert done.status == 200
        feedback = {"rating": rating, "comment": comment}
        assert (await client.put(f"/api/handoffs/{ticket_id}/feedback", json=feedback, headers=AUTH)).ok

    assert (await alice.http.get("/console/api/satisfaction")).status == 403
    sue = await consoles("sue", role="supervisor")
    summary = await sue.get_json("/console/api/satisfaction")
    assert summary["count"] == 2 and summary["average"] == 3.5
    assert summary["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert summary["by_agent"] == [{"key": "Alice", "count": 2, "average": 3.5}]
    assert [(r["rating"], r["comment"]) for r in summary["ratings"]] == [(2, None), (5, "great <b>help</b>")]
    page = await (await sue.http.get("/console/supervisor")).text()
    assert "2 ratings, average 3.5 out of 5" in page
    assert "great &lt;b&gt;help&lt;/b&gt;" in page and "great <b>help</b>" not in page


async def test_the_live_socket_carries_a_ticket_only_to_consoles_that_may_open_it(
    client: TestClient, consoles: Any
) -> None:
    """An account agent's browser never receives what a network customer wrote; a supervisor's does."""
    net = await consoles("nina", skills=("network",))
    acc = await consoles("arno", skills=("account",))
    boss = await consoles("sue", role="supervisor")
    ticket_id = (await open_ticket(client, "conv-wifi", queue="network"))["ticket_id"]
    desk = client.app[DESK]
    ticket = await desk.store.get_ticket(ticket_id, with_messages=False)
    secret_line = "my router at home is on Elm Street 12"
    # What the tracker sync copies from Rasa (the customer's new line) while the ticket waits.
    await desk._copy_events(ticket, [{"event": "user", "text": secret_line, "timestamp": time.time() + 1}])
    assert (await net.post(f"/console/api/tickets/{ticket_id}/claim", {})).status == 200
    assert (
        await net.post(f"/console/api/tickets/{ticket_id}/notes", {"text": "checked the DSL line"})
    ).status
    assert (
        await net.post(f"/console/api/tickets/{ticket_id}/messages", {"text": "Try the blue cable"})
    ).status

    await client.post(
        "/api/conversations/conv-wifi/attachments",
        params={"channel": "telegram"},
        data=tiny_png(),
        headers={**AUTH, "X-File-Name": "router-photo.png"},
    )
    boss_saw, acc_saw, net_saw = await boss.everything(), await acc.everything(), await net.everything()
    for line in (secret_line, "checked the DSL line", "Try the blue cable", "router-photo.png"):
        assert line in boss_saw and line in net_saw
        assert line not in acc_saw
    assert "My Wi-Fi keeps dropping" not in acc_saw  # the summary a ticket_updated event carries
    assert f'"ticket_id": {ticket_id}' not in acc_saw

    # Moved to the account queue: Arno now gets its updates, Nina (no longer owner) only that it left.
    assert (await net.post(f"/console/api/tickets/{ticket_id}/transfer", {"queue": "account"})).status == 200
    assert [e["ticket"]["ticket_id"] for e in await acc.events("ticket_updated")] == [ticket_id]
    assert '"ticket_moved"' in (nina_after := await net.everything()) and "ticket_updated" not in nina_after
