""" "Delete my data" through the real servers: a confirmed, verified erasure request for this chat account."""

from __future__ import annotations

import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def test_delete_my_data_is_confirmed_then_logged_for_this_chat_account_only(
    stack: Stack, conversation_id: str
) -> None:
    asked = stack.send_text(conversation_id, "I want you to delete all my data")
    assert "can't be undone" in asked and "Shall I send the request?" in asked
    assert stack.handoffs(conversation_id) == []  # nothing happens before the customer says yes

    done = stack.send_text(conversation_id, "yes")
    [ticket] = stack.handoffs(conversation_id)
    assert ticket["ticket_type"] == "request" and ticket["request_type"] == "data_erasure"
    assert f"rest:{conversation_id}" in ticket["summary"]  # bound to the account the message came from
    assert f"ticket {ticket['ticket_id']}" in done and "within 5 working days" in done


def test_saying_no_keeps_the_data_and_logs_nothing(stack: Stack, conversation_id: str) -> None:
    stack.send_text(conversation_id, "please erase my personal data")
    kept = stack.send_text(conversation_id, "no")
    assert "won't send it" in kept
    assert stack.handoffs(conversation_id) == []
