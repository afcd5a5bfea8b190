"""The first real conversation over REST: a cited KB answer, then a handoff that keeps the transcript."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from stack import paths
from stack.client import reply_text
from stack.services import Stack

pytestmark = pytest.mark.integration


def kb_titles() -> dict[str, str]:
    """Article titles from the front matter of data/kb/*.md, keyed by file name."""
    titles: dict[str, str] = {}
    for article in sorted(Path(paths.KB_SOURCE_DIR).glob("*.md")):
        front_matter = article.read_text(encoding="utf-8").split("---")[1]
        titles[article.name] = yaml.safe_load(front_matter)["title"]
    return titles


def handoffs(stack: Stack, conversation_id: str) -> list[dict]:
    reply = httpx.get(
        f"{stack.handoff_url}/api/conversations/{conversation_id}/handoffs",
        headers={"Authorization": f"Bearer {stack.handoff_token}"},
        timeout=10.0,
    )
    reply.raise_for_status()
    body = reply.json()
    return body["handoffs"] if isinstance(body, dict) else body


def test_the_kb_has_at_least_fifteen_articles() -> None:
    assert len(kb_titles()) >= 15


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("How do I reset my password?", "password-reset.md"),
        ("how do i connect to the vpn from home", "vpn-connect.md"),
        ("my disk is full, how can I free up space", "disk-full.md"),
    ],
)
def test_routine_question_is_answered_from_the_kb_with_the_article_cited(
    stack: Stack, conversation_id: str, question: str, article: str
) -> None:
    messages = stack.send(conversation_id, question)
    text = reply_text(messages)
    assert kb_titles()[article] in text, text
    assert "did this solve it" in text.lower()
    buttons = [b["title"].lower() for m in messages for b in m.get("buttons", [])]
    assert "yes" in buttons and "no" in buttons


def test_asking_for_a_person_opens_a_handoff_with_the_transcript(stack: Stack, conversation_id: str) -> None:
    stack.send(conversation_id, "hello")
    kb_answer = stack.send_text(conversation_id, "How do I reset my password?")
    reply = stack.send_text(conversation_id, "I want to talk to a person").lower()

    assert "person" in reply or "support team" in reply
    records = handoffs(stack, conversation_id)
    assert len(records) == 1
    ticket = records[0]
    assert ticket["reason"] == "customer_request"
    transcript = ticket["transcript"]
    customer_lines = [line["text"] for line in transcript if line["role"] == "customer"]
    bot_lines = " ".join(line["text"] for line in transcript if line["role"] == "bot")
    assert customer_lines[:3] == ["hello", "How do I reset my password?", "I want to talk to a person"]
    assert kb_titles()["password-reset.md"] in bot_lines
    assert kb_titles()["password-reset.md"] in kb_answer
    assert all(line.get("timestamp") for line in transcript)
    # The customer is told what happens next, including the ticket number.
    assert f"ticket {ticket['ticket_id']}" in reply
