"""The KB flow through the real Rasa server, action server and index: answer, feedback, no-answer."""

from __future__ import annotations

import re

import httpx
import pytest

from stack.client import reply_text
from stack.services import Stack

pytestmark = pytest.mark.integration


def _payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_yes_after_an_answer_closes_the_topic(stack: Stack, conversation_id: str) -> None:
    answer = stack.send(conversation_id, "How do I clear my browser cache?")
    assert 'From our help article "Clear your browser cache and cookies"' in reply_text(answer)
    reply = stack.send_text(conversation_id, "/affirm")
    assert "glad that fixed it" in reply


def test_no_after_an_answer_offers_a_diagnostic_and_a_person(stack: Stack, conversation_id: str) -> None:
    answer = stack.send(conversation_id, "my wifi won't connect, how do I fix it?")
    assert "Fix Wi-Fi that won't connect" in reply_text(answer)
    reply = stack.send(conversation_id, "/deny")
    payloads = _payloads(reply)
    assert '/start_diagnostic{"diagnostic_id":"wifi"}' in payloads
    assert "/ask_human" in payloads


def test_picking_an_article_button_shows_that_article(stack: Stack, conversation_id: str) -> None:
    reply = stack.send(conversation_id, '/choose_article{"kb_article_id":"disk-full"}')
    assert 'From our help article "Free up disk space"' in reply_text(reply)
    assert "Did this solve it?" in reply_text(reply)


def test_the_citation_links_to_the_whole_article_on_the_help_pages(
    stack: Stack, conversation_id: str
) -> None:
    answer = reply_text(stack.send(conversation_id, "How do I clear my browser cache?"))
    found = re.search(r'"Clear your browser cache and cookies" \((\S+)\)', answer)
    assert found, answer
    assert found.group(1) == f"{stack.handoff_url}/help/browser-cache"
    page = httpx.get(found.group(1), timeout=10)
    assert page.status_code == 200
    assert "<h1>Clear your browser cache and cookies</h1>" in page.text


def test_every_step_of_the_article_tried_goes_to_a_person_and_nothing_else(
    stack: Stack, conversation_id: str
) -> None:
    """The keyboard article's last step is a person; the handoff is the end of the turn (it once went on
    with "Sorry, I didn't understand that")."""
    answer = stack.send(conversation_id, "a few keys on my keyboard have stopped working")
    assert "Did this solve it?" in reply_text(answer)
    reply = reply_text(
        stack.send(conversation_id, "tried another usb port and another pc, the same keys are still dead")
    )
    assert "a person on our support team is the best next step" in reply
    assert "didn't understand" not in reply
    assert stack.tracker(conversation_id)["slots"]["handoff_ticket_id"]


def test_a_customer_who_met_the_articles_own_condition_gets_a_person_not_the_script(
    stack: Stack, conversation_id: str
) -> None:
    """The meeting-audio article says "if the test call also fails, try another headset; if that fails
    too, ask for a person": its sound script would start again from the volume check."""
    answer = stack.send(conversation_id, "my mic works in zoom but in teams nobody can hear me")
    assert 'From our help article "Fix microphone or audio in online meetings"' in reply_text(answer)
    reply = reply_text(
        stack.send(
            conversation_id,
            "picked the headset in teams device settings, the test call shows nothing either, "
            "and my spare headset does the same",
        )
    )
    assert "a person on our support team is the best next step" in reply
    slots = stack.tracker(conversation_id)["slots"]
    assert slots["handoff_ticket_id"]
    assert not slots.get("diagnostic_state") or slots["diagnostic_state"].get("script_id") is None


def test_contact_details_given_alongside_do_not_change_which_article_answers(
    stack: Stack, conversation_id: str
) -> None:
    """The whole message reads as the password-reset article (it talks about email and phone numbers); the
    sentence that names the problem is the lockout article's."""
    reply = reply_text(
        stack.send(
            conversation_id,
            "locked out of my account again. my mobile is 07700 900358 and my personal email is "
            "jen.hartley84@gmail.com if you need them",
        )
    )
    assert 'From our help article "Unlock a locked account"' in reply
    assert "07700 900358" not in reply and "jen.hartley84@gmail.com" not in reply


def test_asking_whether_an_email_is_genuine_gets_the_phishing_article_not_its_lure(
    stack: Stack, conversation_id: str
) -> None:
    """The email talks about an expiring password; the customer asks whether the email is real."""
    reply = reply_text(
        stack.send(
            conversation_id,
            "got an email from 'it support' saying my password expires today and to click here, legit?",
        )
    )
    assert 'From our help article "Report a suspicious email (phishing)"' in reply


def test_the_clause_that_names_the_problem_chooses_the_article(stack: Stack, conversation_id: str) -> None:
    reply = reply_text(
        stack.send(
            conversation_id,
            "just got back from a trip to tokyo and now every code from the authenticator app gets rejected "
            "when i sign in",
        )
    )
    assert 'From our help article "Set up or fix multi-factor authentication (MFA)"' in reply


def test_saying_it_works_now_after_an_article_is_recorded_as_resolved(
    stack: Stack, conversation_id: str
) -> None:
    answer = stack.send(conversation_id, "my wireless mouse keeps freezing and jumping around")
    assert 'From our help article "Fix a keyboard or mouse that doesn\'t work"' in reply_text(answer)
    reply = stack.send_text(conversation_id, "put a fresh battery in and it's moving normally now, ta")
    assert "glad that fixed it" in reply
    assert stack.tracker(conversation_id)["slots"]["resolution"] == "resolved_by_assistant"


def test_a_fault_report_read_weakly_as_a_request_is_not_taken_as_one(
    stack: Stack, conversation_id: str
) -> None:
    """A service request opens a form; a stale page is a fault, and the customer gets the cache article."""
    reply = reply_text(
        stack.send(
            conversation_id,
            "the hr portal keeps showing me the old rota from january in chrome, everyone else sees the new one",
        )
    )
    assert "What kind of request is it?" not in reply
    assert 'From our help article "Clear your browser cache and cookies"' in reply
    assert stack.tracker(conversation_id)["active_loop"].get("name") != "service_request_form"
