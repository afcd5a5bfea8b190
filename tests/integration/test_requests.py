"""Service requests and unsupported languages through the real servers (Rasa REST + actions + handoff)."""

from __future__ import annotations

import re

import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def test_a_licence_request_is_logged_as_a_request_ticket_with_its_number_and_time(
    stack: Stack, conversation_id: str
) -> None:
    first = stack.send_text(conversation_id, "I need a Tableau licence for the quarterly sales analysis")
    # What and why were in the first message: the form asks only for what is still missing.
    assert "What exactly do you need" not in first and "what is it for" not in first.lower()
    assert "approves" in first.lower()
    done = stack.send_text(conversation_id, "my manager Dana Kim approved it")
    logged = stack.handoffs(conversation_id)
    assert len(logged) == 1
    ticket = logged[0]
    assert ticket["ticket_type"] == "request" and ticket["request_type"] == "software"
    assert ticket["queue"] == "req-software" and ticket["service_level_hours"] == 24
    assert ticket["status"] == "offline" and ticket["due_time"]
    assert "Tableau" in ticket["request_details"]["What you need"]
    assert "Dana Kim" in ticket["request_details"]["Approved by"]
    assert f"ticket {ticket['ticket_id']}" in done and "within 3 working days" in done

    status = stack.send_text(conversation_id, f"what's happening with request {ticket['ticket_id']}?")
    assert f"request {ticket['ticket_id']}" in status and "waiting for the team" in status
    # Someone else cannot read it: a different customer asking for the same number is told it is not theirs.
    other = stack.send_text(f"{conversation_id}-other", f"status of ticket {ticket['ticket_id']}")
    assert "can't find a ticket" in other and "Software" not in other


def test_asking_for_a_person_inside_the_request_form_leaves_it(stack: Stack, conversation_id: str) -> None:
    asked = stack.send_text(conversation_id, "can I get a new headset please")
    assert "?" in asked
    stack.send_text(conversation_id, "actually I want to talk to a person")
    tracker = stack.tracker(conversation_id)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    kinds = [t["ticket_type"] for t in stack.handoffs(conversation_id)]
    assert kinds == ["incident"]


def test_a_spanish_message_gets_a_spanish_reply_and_a_person_who_knows_the_language(
    stack: Stack, conversation_id: str
) -> None:
    reply = stack.send(conversation_id, "hola, mi impresora de la oficina no imprime nada desde ayer")
    text = " ".join(m.get("text", "") for m in reply)
    assert "inglés" in text and "persona" in text
    buttons = [b for m in reply for b in m.get("buttons", [])]
    assert any(b["payload"] == "/ask_human" for b in buttons)
    assert stack.tracker(conversation_id)["slots"]["customer_language"] == "es"
    stack.send(conversation_id, "/ask_human")
    logged = stack.handoffs(conversation_id)
    assert [t["language"] for t in logged] == ["es"] and logged[0]["ticket_type"] == "incident"


def test_short_english_is_never_taken_for_another_language(stack: Stack, conversation_id: str) -> None:
    for text in ("ok thx", "wifi not work on laptop"):
        reply = stack.send_text(conversation_id, text)
        assert not re.search(r"only help in English|inglés|anglais", reply), (text, reply)
