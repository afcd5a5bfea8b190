"""1,000 customer messages to a few conversations, sent at the same time through both Rasa instances.

Each conversation gets two streams of messages, one through each instance, each stream waiting for its
reply before sending the next. The messages name their intent ("/greet"), as buttons do, so the time goes
to locking and storing rather than to NLU. 20 conversations of 50 messages rather than 5 of 200: Rasa's
policies read the whole conversation at every turn, so a 200-turn conversation costs 2-3 times more per
message (0.5 s against 0.2 s on a loaded 2-core machine) without testing anything more. Without locks that are atomic across instances two turns of one
conversation run at once and Rasa's SQL tracker store drops or interleaves their events; here every
message must be stored once, after the one its stream sent before, followed by its own bot turn.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bot.channels.failure_message import FAILURE_TEXT, STORAGE_FAILURE_TEXT
from tests.cluster.rasa.conftest import GREETING_START, TAG_KEY, RasaCluster, turns

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(360, func_only=True)]

CONVERSATIONS = 20
MESSAGES_PER_STREAM = 25  # x 2 streams x 20 conversations = 1,000 messages


async def _stream(
    client: httpx.AsyncClient, url: str, conversation: str, stream: str, replies: list[list[dict[str, Any]]]
) -> None:
    for number in range(MESSAGES_PER_STREAM):
        answer = await client.post(
            f"{url}/webhooks/rest/webhook",
            json={
                "sender": conversation,
                "message": "/greet",
                "metadata": {TAG_KEY: f"{stream}-{number:03d}"},
            },
        )
        answer.raise_for_status()
        replies.append(answer.json())


async def _send_all(cluster: RasaCluster, run: str) -> list[list[dict[str, Any]]]:
    replies: list[list[dict[str, Any]]] = []
    async with httpx.AsyncClient(timeout=httpx.Timeout(90.0)) as client:
        streams = [
            _stream(client, cluster.rasa_url(instance), f"{run}-{c}", f"{'ab'[instance]}", replies)
            for c in range(CONVERSATIONS)
            for instance in (0, 1)
        ]
        await asyncio.wait_for(asyncio.gather(*streams), timeout=300)
    return replies


def test_messages_through_both_instances_are_stored_once_in_order_each_with_its_answer(
    rasa_cluster: RasaCluster, conversation_id: str
) -> None:
    replies = asyncio.run(_send_all(rasa_cluster, conversation_id))

    assert len(replies) == 2 * CONVERSATIONS * MESSAGES_PER_STREAM
    texts = [message.get("text", "") for reply in replies for message in reply]
    assert FAILURE_TEXT not in texts and STORAGE_FAILURE_TEXT not in texts
    assert all(any(m.get("text", "").startswith(GREETING_START) for m in reply) for reply in replies)

    expected = {f"{s}-{n:03d}" for s in "ab" for n in range(MESSAGES_PER_STREAM)}
    for c in range(CONVERSATIONS):
        stored = turns(rasa_cluster.stored_events(f"{conversation_id}-{c}"))
        tags = [tag for tag, _ in stored]
        assert sorted(tags) == sorted(expected), f"conversation {c}: messages lost or stored twice"
        for stream in "ab":
            mine = [tag for tag in tags if tag.startswith(stream)]
            assert mine == sorted(mine), f"conversation {c}: stream {stream} stored out of order"
        for tag, after in stored:
            kinds = [(e["event"], e.get("name")) for e in after]
            assert ("action", "utter_greet") in kinds, f"conversation {c}, {tag}: no answer stored"
            assert any(e["event"] == "bot" for e in after), f"conversation {c}, {tag}: no bot message"
            # A turn ends by listening, once: two turns of one conversation never overlap.
            assert (
                kinds[-1] == ("action", "action_listen") and kinds.count(("action", "action_listen")) == 1
            ), f"conversation {c}, {tag}: turn interleaved with another: {kinds}"
