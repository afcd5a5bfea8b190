"""Redis (the conversation locks and socket.io of every Rasa instance) dies and comes back.

While it is down no turn can be locked, so none is run: the customer is told to send the message again,
on the REST channel and in the website chat (whose socket is on this instance, so the answer is delivered
without Redis). Once Redis is back, answers and agent messages flow again through either instance.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import redis

from bot.channels.failure_message import STORAGE_FAILURE_TEXT
from bot.scale.socketio_manager import DEFAULT_CHANNEL
from tests.cluster.rasa.conftest import GREETING_START, RasaCluster, tag_of
from tests.cluster.rasa.webchat_client import WebChat

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240, func_only=True)]


def wait_until_subscribed(cluster: RasaCluster, timeout: float = 30) -> None:
    """Until an instance listens on the socket.io channel of the restarted Redis again."""
    client = redis.Redis.from_url(cluster.redis.url)
    deadline = time.monotonic() + timeout
    while dict(client.pubsub_numsub(DEFAULT_CHANNEL)).get(DEFAULT_CHANNEL.encode(), 0) < 1:
        assert time.monotonic() < deadline, "no Rasa instance subscribed to Redis again"
        time.sleep(0.2)
    client.close()


async def _scenario(cluster: RasaCluster, conversation: str) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    chat = WebChat()
    await chat.open(cluster.rasa_url(0), conversation)
    try:
        await chat.client.emit("user_uttered", {"session_id": conversation, "message": "hello"})
        await chat.wait_for(lambda: bool(chat.messages), timeout=60)
        seen["chat before"] = chat.texts()

        cluster.redis.kill()
        try:
            seen["rest while down"] = cluster.say(1, f"{conversation}-rest", "down")
            chat.messages.clear()
            await chat.client.emit("user_uttered", {"session_id": conversation, "message": "hello"})
            await chat.wait_for(lambda: bool(chat.messages), timeout=30)
            seen["chat while down"] = chat.texts()
        finally:
            cluster.redis.start()

        wait_until_subscribed(cluster)
        seen["rest after"] = cluster.say(1, f"{conversation}-rest", "after")
        chat.messages.clear()
        await cluster.agent_says(1, conversation, "Agent after the outage")
        await chat.wait_for(lambda: bool(chat.agent_texts()), timeout=30)
        seen["agent after"] = chat.agent_texts()
    finally:
        await chat.client.disconnect()
    return seen


def test_a_redis_outage_is_told_and_everything_flows_again_after(
    rasa_cluster: RasaCluster, conversation_id: str
) -> None:
    seen = asyncio.run(_scenario(rasa_cluster, conversation_id))

    assert seen["chat before"][0].startswith(GREETING_START)
    assert seen["rest while down"][0] == STORAGE_FAILURE_TEXT, rasa_cluster.log_tails()
    assert seen["chat while down"] == [STORAGE_FAILURE_TEXT]
    assert seen["rest after"][0].startswith(GREETING_START)
    assert seen["agent after"] == ["Agent after the outage"]
    tags = [tag_of(e) for e in rasa_cluster.stored_events(f"{conversation_id}-rest") if e["event"] == "user"]
    assert tags == ["after"]  # the message sent while Redis was down was not half-stored
