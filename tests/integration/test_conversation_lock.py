"""A website-chat customer's messages queued behind a slow turn are all kept, in order, each answered.

One conversation's messages take turns through the conversation lock (``bot/scale/lock_store.py``). The
action server is frozen (SIGSTOP: alive, accepting connections, never answering, as a busy one looks) for
three times the ticket lifetime (``TICKET_LOCK_LIFETIME``, 4 s here instead of 60 s, so the test is quick),
while the customer sends a first message and then a second one behind it; then it runs again. With Rasa's
own in-memory lock the tickets expired 4 s after they were issued, waiting included: the second message
either ran alongside the first one (and the store kept only one of them) or was told to send it again and
not saved. A customer must notice neither.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.channels.failure_message import FAILURE_TEXT, STORAGE_FAILURE_TEXT
from stack import isolated_config, start_stack
from stack.services import Stack
from tests.cluster.rasa.webchat_client import WebChat

pytestmark = pytest.mark.integration

TICKET_LIFETIME = 4  # seconds; Rasa reads it as a whole number
FROZEN_SECONDS = 3 * TICKET_LIFETIME
# Both questions are answered by the action server (knowledge base), each with its own article.
FIRST = ("How do I reset my password?", "password")
SECOND = ("my disk is full, how can I free up space", "disk")
ANSWERED_WITHIN_SECONDS = 90.0


@pytest.fixture(scope="module")
def lock_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of this module's own: a short ticket lifetime, and action calls that wait out the freeze
    (so each question gets its real answer, not the failure message, once the action server runs again)."""
    config = isolated_config(
        tmp_path_factory.mktemp("conversation-lock"),
        extra_env={
            "HANDOFF_HOURS__ALWAYS_OPEN": "true",
            "TICKET_LOCK_LIFETIME": str(TICKET_LIFETIME),
            "ACTION_TIMEOUT_SECONDS": str(FROZEN_SECONDS * 5),
        },
    )
    running = start_stack(config)
    try:
        yield running
    finally:
        running.stop()


def turns(tracker: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(customer text, the events after it up to the next customer message), in stored order."""
    found: list[tuple[str, list[dict[str, Any]]]] = []
    for event in tracker["events"]:
        if event["event"] == "user":
            found.append((event.get("text") or "", []))
        elif found:
            found[-1][1].append(event)
    return found


def bot_texts(events: list[dict[str, Any]]) -> list[str]:
    return [event.get("text") or "" for event in events if event["event"] == "bot"]


def both_answered(tracker: dict[str, Any]) -> bool:
    stored = turns(tracker)
    return len(stored) >= 2 and all(bot_texts(after) for _, after in stored)


@pytest.mark.parametrize(
    "gap_seconds",
    [
        # Sent together: the second ticket lapsed while it waited ("send it again", not saved).
        pytest.param(0.3, id="second-sent-at-once"),
        # Sent 2 s later: the first ticket lapsed while its turn still ran, the second started alongside.
        pytest.param(2.0, id="second-sent-two-seconds-later"),
    ],
)
async def test_two_website_chat_messages_behind_a_turn_slower_than_the_ticket_lifetime_are_both_kept(
    lock_stack: Stack, conversation_id: str, gap_seconds: float
) -> None:
    actions = lock_stack.service("action server")
    assert actions.process is not None
    # Rasa's first KB answer after a start is slow on a busy machine; keep that out of the frozen window.
    await asyncio.to_thread(lock_stack.send_text, f"{conversation_id}-warm", FIRST[0])
    chat = WebChat()
    await chat.open(lock_stack.rasa_url, conversation_id)
    try:
        os.killpg(actions.process.pid, signal.SIGSTOP)
        try:
            await chat.client.emit("user_uttered", {"message": FIRST[0], "session_id": conversation_id})
            await asyncio.sleep(gap_seconds)
            await chat.client.emit("user_uttered", {"message": SECOND[0], "session_id": conversation_id})
            await asyncio.sleep(FROZEN_SECONDS)
        finally:
            os.killpg(actions.process.pid, signal.SIGCONT)

        deadline = time.monotonic() + ANSWERED_WITHIN_SECONDS
        tracker = await asyncio.to_thread(lock_stack.tracker, conversation_id)
        while not both_answered(tracker) and time.monotonic() < deadline:
            await asyncio.sleep(1.0)
            tracker = await asyncio.to_thread(lock_stack.tracker, conversation_id)
        await chat.wait_for(lambda: any(SECOND[1] in text.lower() for text in chat.texts()), timeout=10)
    finally:
        await chat.client.disconnect()

    stored = turns(tracker)
    # Both messages are in the conversation, once each, in the order the customer sent them.
    assert [text for text, _ in stored] == [FIRST[0], SECOND[0]], stored
    for (text, after), (_, keyword) in zip(stored, (FIRST, SECOND), strict=True):
        answers = bot_texts(after)
        # Each is followed by its own answer, not by a failure message or the other one's answer.
        assert answers, f"{text!r}: no answer stored"
        assert FAILURE_TEXT not in answers and STORAGE_FAILURE_TEXT not in answers, answers
        assert keyword in " ".join(answers).lower(), answers
        # A turn ends by listening, once: the two turns did not run at the same time.
        actions_run = [event.get("name") for event in after if event["event"] == "action"]
        assert actions_run[-1] == "action_listen" and actions_run.count("action_listen") == 1, actions_run
    # And the customer saw both answers, in order.
    seen = [text.lower() for text in chat.texts()]
    assert STORAGE_FAILURE_TEXT.lower() not in seen and FAILURE_TEXT.lower() not in seen, seen
    first_seen = next(i for i, text in enumerate(seen) if FIRST[1] in text)
    assert any(SECOND[1] in text for text in seen[first_seen + 1 :]), seen
