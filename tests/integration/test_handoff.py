"""Human handoff through the real servers: Rasa (REST channel) + action server + handoff service.

An agent logs in to the console over HTTP (session cookie + CSRF), keeps the live socket open, claims the
ticket, chats, resolves; the bot is silent meanwhile and asks for a rating afterwards."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration
PASSWORD = "integration-password-1"


class Console:
    """An agent's browser session against the console's JSON endpoints."""

    def __init__(
        self, http: aiohttp.ClientSession, base: str, csrf: str, ws: aiohttp.ClientWebSocketResponse
    ) -> None:
        self.http, self.base, self.csrf, self.ws = http, base, csrf, ws

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.http.post(f"{self.base}{path}", json=body, headers={"X-CSRF-Token": self.csrf}) as r:
            data = await r.json()
            assert r.status < 300, (r.status, data)
            return data


@pytest.fixture
async def console(stack: Stack) -> AsyncIterator[Console]:
    username = f"agent{secrets.token_hex(3)}"
    stack.create_agent(username, PASSWORD, name=username.title())
    # unsafe=True: keep cookies from an IP-address host (127.0.0.1), as browsers do.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await (await http.get(f"{stack.handoff_url}/console/login")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": PASSWORD, "csrf": csrf}
        async with http.post(f"{stack.handoff_url}/console/login", data=form) as response:
            assert response.status == 200 and str(response.url).endswith("/console")
            console_csrf = re.search(r'name="csrf-token" content="([^"]+)"', await response.text()).group(1)
        ws = await http.ws_connect(f"{stack.handoff_url}/console/ws", origin=stack.handoff_url)
        yield Console(http, stack.handoff_url, console_csrf, ws)
        await ws.close()


async def handoffs(stack: Stack, conversation_id: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {stack.handoff_token}"}
    async with aiohttp.ClientSession() as http:
        url = f"{stack.handoff_url}/api/conversations/{conversation_id}/handoffs"
        async with http.get(url, headers=headers) as response:
            return (await response.json())["handoffs"]


async def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.5)


async def send(stack: Stack, conversation_id: str, text: str) -> str:
    return await asyncio.to_thread(stack.send_text, conversation_id, text)


async def test_agent_chat_is_recorded_while_the_bot_stays_silent_then_rating(
    stack: Stack, console: Console, conversation_id: str
) -> None:
    reply = await send(stack, conversation_id, "I want to talk to a person")
    [ticket] = await handoffs(stack, conversation_id)
    assert ticket["status"] == "waiting"
    assert f"ticket number is {ticket['ticket_id']}" in reply and "number 1 in the queue" in reply

    path = f"/console/api/tickets/{ticket['ticket_id']}"
    await console.post(f"{path}/claim", {})
    tracker = await asyncio.to_thread(stack.tracker, conversation_id)
    assert tracker["paused"] is True

    silent = await send(stack, conversation_id, "my laptop will not charge")
    assert silent == ""  # a person owns the conversation: the bot says nothing

    async def customer_line_copied() -> bool:
        lines = (await handoffs(stack, conversation_id))[0]["transcript"]
        return any(m["role"] == "customer" and m["text"] == "my laptop will not charge" for m in lines)

    await eventually(customer_line_copied)

    sent = await console.post(f"{path}/messages", {"text": "Hi, I'm here. Which laptop model is it?"})
    assert sent["delivered"] is True
    events = (await asyncio.to_thread(stack.tracker, conversation_id))["events"]
    agent_lines = [
        e for e in events if e["event"] == "bot" and (e.get("metadata") or {}).get("handoff_role") == "agent"
    ]
    assert [e["text"] for e in agent_lines] == ["Hi, I'm here. Which laptop model is it?"]

    await console.post(f"{path}/resolve", {"notes": "Charger was faulty; sent a new one."})
    tracker = await asyncio.to_thread(stack.tracker, conversation_id)
    assert tracker["paused"] is False
    bot_texts = [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]
    assert any("marked your issue as solved" in t for t in bot_texts)

    ask_comment = await send(stack, conversation_id, '/rate_handoff{"handoff_rating": 4}')
    assert "anything you want to add" in ask_comment.lower()
    thanks = await send(stack, conversation_id, "quick and friendly")
    assert "saved your rating" in thanks
    [done] = await handoffs(stack, conversation_id)
    assert (done["status"], done["satisfaction_rating"], done["satisfaction_comment"]) == (
        "resolved",
        4,
        "quick and friendly",
    )
    assert done["first_agent_response_time"] and done["resolution_time"]
    roles = [m["role"] for m in done["transcript"]]
    assert {"customer", "bot", "agent", "system"} <= set(roles)


async def test_hand_back_lets_the_bot_answer_again(
    stack: Stack, console: Console, conversation_id: str
) -> None:
    await send(stack, conversation_id, "I want to talk to a person")
    [ticket] = await handoffs(stack, conversation_id)
    path = f"/console/api/tickets/{ticket['ticket_id']}"
    await console.post(f"{path}/claim", {})
    await console.post(f"{path}/handback", {"notes": "Customer only needed the bot's reset steps."})
    tracker = await asyncio.to_thread(stack.tracker, conversation_id)
    assert tracker["paused"] is False
    assert any(
        "passed this chat back to me" in (e.get("text") or "")
        for e in tracker["events"]
        if e["event"] == "bot"
    )
    assert await send(stack, conversation_id, "hello") != ""  # the bot talks again


async def test_cancel_while_waiting(stack: Stack, console: Console, conversation_id: str) -> None:
    await send(stack, conversation_id, "I want to talk to a person")
    reply = await send(stack, conversation_id, "/cancel_handoff")
    assert "cancelled your request" in reply
    [ticket] = await handoffs(stack, conversation_id)
    assert ticket["status"] == "cancelled"


async def test_web_chat_typing_endpoint_only_takes_the_handoff_token(stack: Stack) -> None:
    url = f"{stack.rasa_url}/webhooks/socketio/typing"
    body = {"session_id": "nobody-here", "name": "Alex"}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=body) as response:
            assert response.status == 401
        wrong = {"Authorization": f"Bearer {stack.rasa_token}"}  # Rasa's own token is not the one
        async with http.post(url, json=body, headers=wrong) as response:
            assert response.status == 401
        right = {"Authorization": f"Bearer {stack.handoff_token}"}
        async with http.post(url, json={"name": "Alex"}, headers=right) as response:
            assert response.status == 400
        async with http.post(url, json=body, headers=right) as response:
            assert response.status == 200
