""" "Delete my data" through the real servers: a confirmed, verified erasure request for this chat account."""

from __future__ import annotations

import httpx
import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def _tickets(stack: Stack, conversation_id: str) -> list[dict]:
    reply = httpx.get(
        f"{stack.handoff_url}/api/conversations/{conversation_id}/handoffs",
        headers={"Authorization": f"Bearer {stack.handoff_token}"},
        timeout=30,
    )
    reply.raise_for_status()
    return reply.json()["handoffs"]


def test_delete_my_data_is_confirmed_then_logged_for_this_chat_account_only(
    stack: Stack, conversation_id: str
) -> None:
    asked = stack.send_text(conversation_id, "I want you to delete all my data")
    assert "can't be undone" in asked and "Shall I send the request?" in asked
    assert _tickets(stack, conversation_id) == []  # nothing happens before the customer says yes

    done = stack.send_text(conversation_id, "yes")
    [ticket] = _tickets(stack, conversation_id)
    assert ticket["ticket_type"] == "request" and ticket["request_type"] == "data_erasure"
    assert f"rest:{conversation_id}" in ticket["summary"]  # bound to the account the message came from
    assert f"ticket {ticket['ticket_id']}" in done and "within 5 working days" in done


def test_saying_no_keeps_the_data_and_logs_nothing(stack: Stack, conversation_id: str) -> None:
    stack.send_text(conversation_id, "please erase my personal data")
    kept = stack.send_text(conversation_id, "no")
    assert "won't send it" in kept
    assert _tickets(stack, conversation_id) == []
