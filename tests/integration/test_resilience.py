"""No silent failures: kill -9 (or freeze) each server mid-conversation on a stack of this module's own.

While a server is down the customer gets the plain failure message (recorded in the tracker), the supervisor
brings the server back, and the conversation carries on with everything said before still in the tracker.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import socketio

from bot.channels.failure_message import FAILURE_TEXT
from stack import isolated_config, start_stack
from stack.process import ServiceProcess
from stack.services import Stack
from stack.supervisor import RestartPolicy
from stack.warmup import warm_up_knowledge_base

pytestmark = pytest.mark.integration

KB_QUESTION = "how do I reset my password"
# Long enough that the customer's next message reaches a server that is really down.
RESTART_DELAY = 4.0


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack only these tests use, since they kill its servers."""
    config = isolated_config(
        tmp_path_factory.mktemp("resilience"), extra_env={"HANDOFF_HOURS__ALWAYS_OPEN": "true"}
    )
    running = start_stack(config, restart_policy=RestartPolicy(first_delay=RESTART_DELAY))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(autouse=True)
def everything_up(own_stack: Stack) -> None:
    """Each test starts with every server healthy and the KB warm, whatever the test before it killed."""
    for service in own_stack.services:
        wait_restarted(service, old_pid=-1)
    assert warm_up_knowledge_base(own_stack.action_url)


def kill(service: ServiceProcess, sig: signal.Signals = signal.SIGKILL) -> int:
    assert service.process is not None
    pid = service.process.pid
    os.killpg(pid, sig)
    return pid


def wait_restarted(service: ServiceProcess, old_pid: int, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process is not None and service.process.pid != old_pid and service.is_healthy():
            return
        time.sleep(0.5)
    raise AssertionError(f"the {service.name} was not restarted within {timeout:.0f} s\n{service.log_tail()}")


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def failsafe_lines(tracker: dict[str, Any]) -> list[str]:
    return [
        event["text"]
        for event in tracker["events"]
        if event["event"] == "bot" and (event.get("metadata") or {}).get("failsafe")
    ]


def handoffs(stack: Stack, conversation_id: str) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{stack.handoff_url}/api/conversations/{conversation_id}/handoffs",
        headers={"Authorization": f"Bearer {stack.handoff_token}"},
        timeout=10,
    )
    reply.raise_for_status()
    found: list[dict[str, Any]] = reply.json()["handoffs"]
    return found


def test_action_server_killed_mid_conversation(own_stack: Stack, conversation_id: str) -> None:
    actions = own_stack.service("action server")
    first = own_stack.send_text(conversation_id, KB_QUESTION)
    assert "password" in first.lower() and first != FAILURE_TEXT

    old_pid = kill(actions)
    started = time.monotonic()
    while_down = own_stack.send_text(conversation_id, KB_QUESTION)  # answered by the action server
    assert while_down == FAILURE_TEXT
    assert time.monotonic() - started < 10

    wait_restarted(actions, old_pid)
    # The supervisor warms the restarted server's knowledge base up the same way; until then a KB question
    # may still get the failure message.
    assert warm_up_knowledge_base(own_stack.action_url)
    after = own_stack.send_text(conversation_id, KB_QUESTION)
    assert "password" in after.lower() and after != FAILURE_TEXT

    tracker = own_stack.tracker(conversation_id)
    assert user_texts(tracker) == [KB_QUESTION, KB_QUESTION, KB_QUESTION]
    assert failsafe_lines(tracker) == [FAILURE_TEXT]


def test_a_frozen_action_server_is_answered_within_ten_seconds(
    own_stack: Stack, conversation_id: str
) -> None:
    actions = own_stack.service("action server")
    assert actions.process is not None
    # Rasa's own first message after a start is slow on a busy machine; measure the failure path, not that.
    own_stack.send_text(f"{conversation_id}-warm", KB_QUESTION)
    os.killpg(actions.process.pid, signal.SIGSTOP)  # alive, accepts connections, never answers
    try:
        started = time.monotonic()
        reply = own_stack.send_text(conversation_id, KB_QUESTION)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(actions.process.pid, signal.SIGCONT)
    # First in the reply (a new conversation's first answer is followed by the privacy notice).
    assert reply.split("\n")[0] == FAILURE_TEXT
    assert elapsed < 10
    assert user_texts(own_stack.tracker(conversation_id)) == [KB_QUESTION]


def test_handoff_service_killed_then_the_person_still_gets_the_request(
    own_stack: Stack, conversation_id: str
) -> None:
    handoff = own_stack.service("handoff service")
    own_stack.send_text(conversation_id, "hello there")
    old_pid = kill(handoff)
    reply = own_stack.send_text(conversation_id, "I want to talk to a person")
    assert "problem on our side" in reply
    assert reply != FAILURE_TEXT

    wait_restarted(handoff, old_pid)
    # Kept by the action server and delivered once the service is back, without the customer asking again.
    deadline = time.monotonic() + 30
    while not handoffs(own_stack, conversation_id) and time.monotonic() < deadline:
        time.sleep(0.5)
    [ticket] = handoffs(own_stack, conversation_id)
    assert "hello there" in str(ticket["transcript"])

    again = own_stack.send_text(conversation_id, "I want to talk to a person")
    assert re.search(rf"\bticket (number is )?{ticket['ticket_id']}\b", again), again  # the same ticket
    assert len(handoffs(own_stack, conversation_id)) == 1


def test_rasa_killed_then_the_conversation_carries_on(own_stack: Stack, conversation_id: str) -> None:
    rasa = own_stack.service("Rasa server")
    first = own_stack.send_text(conversation_id, KB_QUESTION)
    assert "password" in first.lower()

    old_pid = kill(rasa)
    with pytest.raises(httpx.TransportError):  # nothing listens: the client knows at once, no silent wait
        own_stack.send(conversation_id, "are you there?", timeout=10)

    wait_restarted(rasa, old_pid)
    after = own_stack.send_text(conversation_id, "my outlook keeps crashing")
    assert after and after != FAILURE_TEXT
    assert user_texts(own_stack.tracker(conversation_id))[:1] == [KB_QUESTION]
    assert user_texts(own_stack.tracker(conversation_id))[-1] == "my outlook keeps crashing"


async def test_website_chat_gets_the_failure_message_too(own_stack: Stack, conversation_id: str) -> None:
    replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    chat = socketio.AsyncClient()
    chat.on("bot_uttered", replies.put)
    await chat.connect(own_stack.rasa_url, socketio_path="/socket.io", transports=["websocket"])
    actions = own_stack.service("action server")
    assert actions.process is not None
    try:
        await chat.emit("session_request", {"session_id": conversation_id})
        await asyncio.sleep(1.0)  # joined the session's room
        os.killpg(actions.process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            await chat.emit("user_uttered", {"message": KB_QUESTION, "session_id": conversation_id})
            reply = await asyncio.wait_for(replies.get(), timeout=10)
            elapsed = time.monotonic() - started
        finally:
            os.killpg(actions.process.pid, signal.SIGCONT)
    finally:
        await chat.disconnect()
    assert reply["text"] == FAILURE_TEXT
    assert elapsed < 10
    tracker = await asyncio.to_thread(own_stack.tracker, conversation_id)
    assert user_texts(tracker) == [KB_QUESTION]
    assert failsafe_lines(tracker) == [FAILURE_TEXT]
