""" "Delete my data" and "send me a copy of my data" through the real servers: a confirmed request ticket for
this chat account, which says plainly whether the channel proved who asked (REST does not)."""

from __future__ import annotations

import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def test_delete_my_data_is_confirmed_then_logged_for_this_chat_account_only(
    stack: Stack, conversation_id: str
) -> None:
    asked = stack.send_text(conversation_id, "I want you to delete all my data")
    assert "can't be undone" in asked and "Shall I send the request?" in asked
    assert "I'm the support bot" in asked  # a bot process, not a person deleting things
    assert stack.handoffs(conversation_id) == []  # nothing happens before the customer says yes

    done = stack.send_text(conversation_id, "yes")
    [ticket] = stack.handoffs(conversation_id)
    assert ticket["ticket_type"] == "request" and ticket["request_type"] == "data_erasure"
    assert f"rest:{conversation_id}" in ticket["summary"]  # bound to the account the message came from
    assert f"privacy erase --customer rest:{conversation_id}" in ticket["summary"]
    assert f"ticket {ticket['ticket_id']}" in done and "within 5 working days" in done
    # A REST sender id is whatever the client typed: the supervisor is told to check, the customer too.
    assert ticket["request_details"]["Identity"].startswith("NOT verified")
    assert "Identity NOT verified" in ticket["summary"]
    assert "check that it is really you" in done


def test_saying_no_keeps_the_data_and_logs_nothing(stack: Stack, conversation_id: str) -> None:
    stack.send_text(conversation_id, "please erase my personal data")
    kept = stack.send_text(conversation_id, "no")
    assert "won't send it" in kept
    assert stack.handoffs(conversation_id) == []


def test_what_data_do_you_hold_offers_a_copy_and_a_yes_logs_an_export_request(
    stack: Stack, conversation_id: str
) -> None:
    asked = stack.send_text(conversation_id, "what data do you hold about me?")
    assert "I'm the support bot" in asked and "send you a copy" in asked and "90 days" in asked
    assert stack.handoffs(conversation_id) == []

    done = stack.send_text(conversation_id, "yes")
    [ticket] = stack.handoffs(conversation_id)
    assert ticket["request_type"] == "data_export" and ticket["queue"] == "general"
    assert f"privacy export --out FILE --customer rest:{conversation_id}" in ticket["summary"]
    assert ticket["request_details"]["Identity"].startswith("NOT verified")
    assert f"ticket {ticket['ticket_id']}" in done and "check that it is really you" in done
    assert "send you the copy within 5 working days" in done
