"""Greeting, thanks, goodbye and the honest answer to "are you a bot?" over the real REST channel."""

from __future__ import annotations

import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def test_greeting_says_it_is_a_bot_and_what_it_can_do(stack: Stack, conversation_id: str) -> None:
    reply = stack.send_text(conversation_id, "hello").lower()
    assert "bot" in reply
    assert "person" in reply


@pytest.mark.parametrize("question", ["are you a bot?", "am I talking to a real person?", "r u human"])
def test_bot_challenge_is_answered_honestly(stack: Stack, conversation_id: str, question: str) -> None:
    reply = stack.send_text(conversation_id, question).lower()
    assert "i'm a bot" in reply or "i am a bot" in reply
    assert "not a person" in reply


def test_thanks_and_goodbye(stack: Stack, conversation_id: str) -> None:
    assert "welcome" in stack.send_text(conversation_id, "thanks a lot").lower()
    assert "bye" in stack.send_text(conversation_id, "ok bye").lower()
