"""Agent messages sent through the Rasa instance the customers' website chats are not connected to.

The handoff service records an agent's message with ``tracker/events?output_channel=latest`` on whichever
Rasa instance the load balancer picks (handoff/rasa.py). Rasa's socket.io sockets live in one process, so
without socket.io over Redis that call answers 200 and the customer never sees the message.
"""

from __future__ import annotations

import asyncio

import aiohttp
import httpx
import pytest

from handoff.rasa import RasaClient
from tests.cluster.rasa.conftest import GREETING_START, RasaCluster
from tests.cluster.rasa.webchat_client import WebChat

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240, func_only=True)]

CUSTOMERS = 5
MESSAGES_EACH = 100  # 500 agent messages in all


def agent_lines(customer: int) -> list[str]:
    return [
        f"Agent message {n} for customer {customer}: please restart the router." for n in range(MESSAGES_EACH)
    ]


async def _customer(
    cluster: RasaCluster, session: aiohttp.ClientSession, conversation: str, number: int
) -> tuple[WebChat, list[str]]:
    chat = WebChat()
    await chat.open(cluster.rasa_url(0), conversation)  # the customer's socket is on instance A
    try:
        await chat.client.emit("user_uttered", {"session_id": conversation, "message": "hello"})
        await chat.wait_for(lambda: bool(chat.messages), timeout=90)
        assert chat.messages, "the customer got no answer on the website chat"
        # The handoff service's own client, talking to instance B; one agent types one message at a time.
        rasa_b = RasaClient(session, cluster.rasa_url(1), cluster.token, timeout=60)
        for text in agent_lines(number):
            await rasa_b.send_bot_message(conversation, text, {"handoff_role": "agent", "agent_name": "Sam"})
        await chat.wait_for(lambda: len(chat.agent_texts()) >= MESSAGES_EACH, timeout=30)
        arrived = len(chat.agent_texts())
        assert arrived == MESSAGES_EACH, (
            f"customer {number}: {arrived} of {MESSAGES_EACH} agent messages arrived"
        )

        typing = httpx.post(
            f"{cluster.rasa_url(1)}/webhooks/socketio/typing",
            json={"session_id": conversation, "name": "Sam"},
            headers={"Authorization": f"Bearer {cluster.config.secrets.handoff_api_token}"},
            timeout=30,
        )
        typing.raise_for_status()
        await chat.wait_for(lambda: bool(chat.typing), timeout=30)

        # The agent hands the chat back to the bot (handoff/desk.py): the bot's answer reaches A too.
        before = len(chat.messages)
        await rasa_b.trigger_intent(conversation, "greet", {})
        await chat.wait_for(lambda: len(chat.messages) > before, timeout=60)
        handed_back = chat.texts()[before:]
    finally:
        await chat.client.disconnect()
    return chat, handed_back


async def _all_customers(cluster: RasaCluster, conversation: str) -> list[tuple[WebChat, list[str]]]:
    async with aiohttp.ClientSession() as session:
        customers = [_customer(cluster, session, f"{conversation}-{n}", n) for n in range(CUSTOMERS)]
        return await asyncio.wait_for(asyncio.gather(*customers), timeout=200)


def test_agent_messages_sent_through_the_other_instance_all_reach_the_customers(
    rasa_cluster: RasaCluster, conversation_id: str
) -> None:
    chats = asyncio.run(_all_customers(rasa_cluster, conversation_id))

    for number, (chat, handed_back) in enumerate(chats):
        assert chat.agent_texts() == agent_lines(number)  # all of them, in order, to the right customer
        assert {m["metadata"]["agent_name"] for m in chat.messages if m.get("metadata")} == {"Sam"}
        assert chat.typing == [{"name": "Sam", "typing": True}]
        assert handed_back and handed_back[0].startswith(GREETING_START)
