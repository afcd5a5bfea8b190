"""The KB flow through the real Rasa server, action server and index: answer, feedback, no-answer."""

from __future__ import annotations

import re

import httpx
import pytest

from stack.services import Stack, reply_text

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
