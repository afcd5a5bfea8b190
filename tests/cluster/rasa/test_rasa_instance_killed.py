"""kill -9 of a Rasa instance in the middle of a customer's turn: the other instance answers the next
message (after the dead one's lock lapses, at most one lease) and nothing said before is lost."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import httpx
import pytest

from tests.cluster.rasa.conftest import GREETING_START, START_TIMEOUT, RasaCluster, turns

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(400, func_only=True)]

LEASE_SECONDS = 20  # bot/scale/lock_store.py DEFAULT_LEASE_SECONDS (that module needs Rasa's venv)


def test_a_rasa_instance_killed_mid_turn_the_other_answers_and_nothing_is_lost(
    rasa_cluster: RasaCluster, conversation_id: str
) -> None:
    assert rasa_cluster.say(0, conversation_id, "before")[0].startswith(GREETING_START)
    instance_a = rasa_cluster.rasa[0]
    assert instance_a.process is not None

    def in_flight() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the instance dies under it: the connection breaks
            rasa_cluster.say(0, conversation_id, "in-flight")

    sender = threading.Thread(target=in_flight)
    sender.start()
    time.sleep(0.1)  # the turn has started on A
    os.killpg(instance_a.process.pid, signal.SIGKILL)
    sender.join(timeout=60)
    instance_a.start(append_log=True)  # back for the next tests; loads while B answers
    try:
        started = time.monotonic()
        after = rasa_cluster.say(1, conversation_id, "after")
        waited = time.monotonic() - started
    finally:
        instance_a.wait_healthy(START_TIMEOUT)

    assert after[0].startswith(GREETING_START), after
    assert waited < LEASE_SECONDS + 15
    stored = turns(rasa_cluster.stored_events(conversation_id))
    tags = [tag for tag, _ in stored]
    assert tags in (["before", "after"], ["before", "in-flight", "after"]), tags
    for tag, events in stored:
        if tag != "in-flight":  # may have died half way, before its answer was saved
            assert [e.get("name") for e in events if e["event"] == "action"][-1] == "action_listen"
            assert any(e["event"] == "bot" for e in events), f"{tag}: no answer stored"
