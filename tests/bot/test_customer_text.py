"""The checks every channel applies to a customer's message (bot/channels/customer_text.py)."""

from __future__ import annotations

import pytest

from bot.channels.customer_text import MAX_MESSAGE_CHARS, BadCustomerText, check_customer_text


@pytest.mark.parametrize(
    ("message", "status", "hint"),
    [
        ("", 400, "empty"),
        (" \n\t", 400, "empty"),
        (None, 400, "as a string"),
        (42, 400, "as a string"),
        ("x" * (MAX_MESSAGE_CHARS + 1), 413, f"at most {MAX_MESSAGE_CHARS}"),
        ("printer \ud800 jam", 400, "broken character"),
        ("\udfff", 400, "broken character"),
    ],
)
def test_bad_messages_are_refused_with_a_sentence_to_act_on(message: object, status: int, hint: str) -> None:
    with pytest.raises(BadCustomerText, match=hint) as refused:
        check_customer_text(message)
    assert refused.value.status == status


@pytest.mark.parametrize(
    "message",
    ["hi", "<script>alert(1)</script>", "Drucker druckt nicht 🖨️ 😀", "x" * MAX_MESSAGE_CHARS, "café\u200b"],
)
def test_good_messages_pass_unchanged(message: str) -> None:
    assert check_customer_text(message) == message
