"""Agent messages sent through the Rasa instance the customer's website chat is not connected to.

The handoff service records an agent's message with ``tracker/events?output_channel=latest`` on whichever
Rasa instance the load balancer picks (handoff/rasa.py). Rasa's socket.io sockets live in one process, so
without socket.io over Redis that call answers 200 and the customer never sees the message.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import httpx
import pytest
import socketio

from handoff.rasa import RasaClient
from tests.cluster.rasa.conftest import RasaCluster

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240)]

AGENT_MESSAGES = 500


class WebChat:
    """A real socket.io client, as the website widget talks to Rasa."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.messages: list[dict[str, Any]] = []
        self.typing: list[dict[str, Any]] = []
        self.confirmed = asyncio.Event()
        self.client.on("bot_uttered", self.messages.append)
        self.client.on("agent_typing", self.typing.append)
        self.client.on("session_confirm", lambda _session: self.confirmed.set())

    async def open(self, url: str, session_id: str) -> None:
        await self.client.connect(url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
        await self.client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(self.confirmed.wait(), timeout=30)

    async def wait_for(self, predicate: Any, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                return
            await asyncio.sleep(0.05)

    def agent_texts(self) -> list[str]:
        return [m["text"] for m in self.messages if (m.get("metadata") or {}).get("sender") == "agent"]


async def _agent_conversation(cluster: RasaCluster, conversation: str) -> tuple[WebChat, list[str]]:
    chat = WebChat()
    await chat.open(cluster.rasa_url(0), conversation)  # the customer's socket is on instance A
    try:
        await chat.client.emit("user_uttered", {"session_id": conversation, "message": "hello"})
        await chat.wait_for(lambda: bool(chat.messages), timeout=60)
        assert chat.messages, "the customer got no answer on the website chat"

        sent = [f"Agent message {n}: please restart the router." for n in range(AGENT_MESSAGES)]
        async with aiohttp.ClientSession() as session:
            # The handoff service's own client, talking to instance B.
            rasa_b = RasaClient(session, cluster.rasa_url(1), cluster.token, timeout=30)
            for text in sent:
                await rasa_b.send_bot_message(
                    conversation, text, {"handoff_role": "agent", "agent_name": "Sam"}
                )
        await chat.wait_for(lambda: len(chat.agent_texts()) >= AGENT_MESSAGES, timeout=60)

        typing = httpx.post(
            f"{cluster.rasa_url(1)}/webhooks/socketio/typing",
            json={"session_id": conversation, "name": "Sam"},
            headers={"Authorization": f"Bearer {cluster.config.secrets.handoff_api_token}"},
            timeout=30,
        )
        typing.raise_for_status()
        await chat.wait_for(lambda: bool(chat.typing), timeout=30)
    finally:
        await chat.client.disconnect()
    return chat, sent


def test_agent_messages_sent_through_the_other_instance_all_reach_the_customer(
    rasa_cluster: RasaCluster, conversation_id: str
) -> None:
    chat, sent = asyncio.run(_agent_conversation(rasa_cluster, conversation_id))

    assert chat.agent_texts() == sent
    assert {m["metadata"]["agent_name"] for m in chat.messages if m.get("metadata")} == {"Sam"}
    assert chat.typing == [{"name": "Sam", "typing": True}]
