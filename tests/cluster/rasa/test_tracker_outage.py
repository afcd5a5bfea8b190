"""PostgreSQL (the conversation store of every Rasa instance) dies mid-conversation and comes back.

Rasa on its own answers a failed read by starting the conversation over and keeps a failed write in one
instance's memory. Here the customer is told to send the message again, the agent's message is refused
(so the handoff service tells the agent), and after the restart the conversation carries on with
everything said before.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.channels.failure_message import STORAGE_FAILURE_TEXT
from handoff.errors import ServiceUnavailable
from tests.cluster.rasa.conftest import GREETING_START, RasaCluster, tag_of

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240, func_only=True)]


def test_a_conversation_store_outage_is_told_and_nothing_said_before_is_lost(
    rasa_cluster: RasaCluster, conversation_id: str
) -> None:
    assert rasa_cluster.say(0, conversation_id, "before")[0].startswith(GREETING_START)
    asyncio.run(rasa_cluster.agent_says(1, conversation_id, "Agent before the outage"))

    rasa_cluster.postgres.kill()
    try:
        for instance in (0, 1):
            started = time.monotonic()
            while_down = rasa_cluster.say(instance, conversation_id, f"down-{instance}")
            assert while_down[0] == STORAGE_FAILURE_TEXT, rasa_cluster.log_tails()
            assert not any(text.startswith(GREETING_START) for text in while_down)  # not started over
            assert time.monotonic() - started < 15
        with pytest.raises(ServiceUnavailable):  # the handoff service learns it was not delivered
            asyncio.run(rasa_cluster.agent_says(1, conversation_id, "Agent during the outage"))
    finally:
        rasa_cluster.postgres.start()

    for instance in (1, 0):
        after = rasa_cluster.say(instance, conversation_id, f"after-{instance}")
        assert after[0].startswith(GREETING_START), after

    events = rasa_cluster.stored_events(conversation_id)
    tags = [tag_of(e) for e in events if e["event"] == "user"]
    assert tags == ["before", "after-1", "after-0"]
    agent_lines = [
        e["text"] for e in events if e["event"] == "bot" and (e.get("metadata") or {}).get("agent_name")
    ]
    assert agent_lines == ["Agent before the outage"]
    assert [e["event"] for e in events].count("session_started") == 1  # the conversation was never restarted
