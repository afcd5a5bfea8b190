"""Real Rasa, action server and handoff service: what a customer writes reaches, over the live websocket,
only the consoles of agents who may open their ticket — an agent of another queue never receives it, a
supervisor does."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from stack import paths
from stack.services import Stack
from tests.integration.test_handoff import PASSWORD, Console, eventually, handoffs, send

pytestmark = pytest.mark.integration


async def _console(stack: Stack, username: str, role: str, skills: str | None) -> Console:
    stack.create_agent(username, PASSWORD, role=role)
    if skills:
        env = {**os.environ, **stack.config.extra_env, "HANDOFF_DB": str(stack.config.handoff_db)}
        command = [str(paths.APP_PYTHON), "-m", "handoff", "users", "skills", username, skills]
        done = subprocess.run(
            command, env=env, cwd=paths.REPO_ROOT, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    page = await (await http.get(f"{stack.handoff_url}/console/login")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"username": username, "password": PASSWORD, "csrf": csrf}
    async with http.post(f"{stack.handoff_url}/console/login", data=form) as response:
        token = re.search(r'name="csrf-token" content="([^"]+)"', await response.text()).group(1)  # type: ignore[union-attr]
    ws = await http.ws_connect(f"{stack.handoff_url}/console/ws", origin=stack.handoff_url)
    return Console(http, stack.handoff_url, token, ws)


@pytest.fixture
async def desk(stack: Stack) -> AsyncIterator[dict[str, Console]]:
    tag = secrets.token_hex(3)
    consoles = {
        "accounts": await _console(stack, f"acc{tag}", "agent", "account"),
        "supervisor": await _console(stack, f"sup{tag}", "supervisor", None),
    }
    yield consoles
    for console in consoles.values():
        await console.ws.close()
        await console.http.close()


async def _received(console: Console, quiet: float = 1.0) -> list[dict[str, Any]]:
    seen = []
    while True:
        try:
            seen.append(await console.ws.receive_json(timeout=quiet))
        except TimeoutError:
            return seen


async def test_an_agent_of_another_queue_never_receives_the_customers_words(
    stack: Stack, desk: dict[str, Console], conversation_id: str
) -> None:
    await send(stack, conversation_id, "I want to talk to a person")
    [ticket] = await handoffs(stack, conversation_id)
    path = f"/console/api/tickets/{ticket['ticket_id']}"
    await desk["supervisor"].post(f"{path}/transfer", {"queue": "network"})  # not the accounts agent's queue
    await _received(desk["accounts"])  # what it got while the ticket was in the general queue

    secret_line = f"my home router is in flat {secrets.randbelow(900) + 100}"
    await send(stack, conversation_id, secret_line)

    async def copied() -> bool:
        lines = (await handoffs(stack, conversation_id))[0]["transcript"]
        return any(m["text"] == secret_line for m in lines)

    await eventually(copied)
    supervisor_saw = json.dumps(await _received(desk["supervisor"]))
    accounts_saw = json.dumps(await _received(desk["accounts"]))
    assert secret_line in supervisor_saw
    assert secret_line not in accounts_saw and ticket["summary"] not in accounts_saw
    # The shared stack's other tests count the queues: leave nothing waiting.
    headers = {"Authorization": f"Bearer {stack.handoff_token}"}
    async with aiohttp.ClientSession() as http:
        await http.post(f"{stack.handoff_url}/api/handoffs/{ticket['ticket_id']}/cancel", headers=headers)
