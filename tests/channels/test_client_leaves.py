"""A customer whose client stops waiting before the reply still has their message in the conversation.

Under load a reply can take longer than a client waits (bench/load.py's customers give up after 30 s). Here
the wait is made long on purpose: the action server is frozen (SIGSTOP: alive, accepting connections, never
answering, as a busy one looks), so the turn is still at its action call when the client leaves. Once the
action server runs again the turn ends, and the customer's message must be in the stored tracker (Rasa's HTTP
API), as an agent or the customer's next message would see it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import socketio

from stack.services import Stack
from tests.channels.conftest import ChannelStack

pytestmark = pytest.mark.integration

KB_QUESTION = "how do I reset my password"  # answered by the action server (knowledge base)
CLIENT_GIVES_UP_SECONDS = 2.0
STORED_WITHIN_SECONDS = 30.0


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


@contextmanager
def action_server_frozen(stack: Stack) -> Iterator[None]:
    actions = stack.service("action server")
    assert actions.process is not None
    os.killpg(actions.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(actions.process.pid, signal.SIGCONT)


def wait_stored(stack: Stack, conversation_id: str, text: str) -> list[str]:
    deadline = time.monotonic() + STORED_WITHIN_SECONDS
    while True:
        texts = user_texts(stack.tracker(conversation_id))
        if text in texts or time.monotonic() > deadline:
            return texts
        time.sleep(0.5)


def test_a_rest_client_that_gives_up_before_the_reply_still_has_its_message_stored(
    channel_stack: ChannelStack, conversation_id: str
) -> None:
    stack = channel_stack.stack
    stack.send_text(f"{conversation_id}-warm", KB_QUESTION)  # Rasa's first KB answer after a start is slow
    with action_server_frozen(stack):
        # Leaving the `with` hangs up, as a client that gave up does.
        with httpx.Client(timeout=CLIENT_GIVES_UP_SECONDS) as client, pytest.raises(httpx.TimeoutException):
            client.post(
                f"{stack.rasa_url}/webhooks/rest/webhook",
                json={"sender": conversation_id, "message": KB_QUESTION},
            )
        time.sleep(1.0)  # Rasa has seen the client go while the turn still waits for the action server

    assert wait_stored(stack, conversation_id, KB_QUESTION) == [KB_QUESTION]
    # The conversation carries on: the next message is answered and comes after the first one.
    assert "password" in stack.send_text(conversation_id, KB_QUESTION).lower()
    assert user_texts(stack.tracker(conversation_id)) == [KB_QUESTION, KB_QUESTION]


async def test_a_website_chat_closed_before_the_reply_still_has_its_message_stored(
    channel_stack: ChannelStack, conversation_id: str
) -> None:
    stack = channel_stack.stack
    await asyncio.to_thread(stack.send_text, f"{conversation_id}-warm", KB_QUESTION)
    joined = asyncio.Event()
    chat = socketio.AsyncClient(reconnection=False)

    async def confirmed(*args: Any) -> None:
        joined.set()

    chat.on("session_confirm", confirmed)
    await chat.connect(stack.rasa_url, socketio_path="/socket.io", transports=["websocket"])
    try:
        await chat.emit("session_request", {"session_id": conversation_id})
        await asyncio.wait_for(joined.wait(), timeout=30)
        with action_server_frozen(stack):
            await chat.emit("user_uttered", {"message": KB_QUESTION, "session_id": conversation_id})
            await asyncio.sleep(CLIENT_GIVES_UP_SECONDS)  # the turn is waiting for the action server
            await chat.disconnect()  # the customer closes the tab
            await asyncio.sleep(1.0)
    finally:
        await chat.disconnect()

    stored = await asyncio.to_thread(wait_stored, stack, conversation_id, KB_QUESTION)
    assert stored == [KB_QUESTION]
