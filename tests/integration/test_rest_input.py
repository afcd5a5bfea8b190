"""Bad input at the REST channel gets a clear 4xx, and the conversation carries on afterwards."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from stack.services import Stack

pytestmark = pytest.mark.integration


def post_raw(stack: Stack, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        content=body,
        headers={"Content-Type": content_type},
        timeout=30.0,
    )


def user_texts(stack: Stack, conversation_id: str) -> list[str]:
    events = stack.tracker(conversation_id)["events"]
    return [e.get("text") for e in events if e["event"] == "user"]


@pytest.mark.parametrize(
    ("body", "status", "hint"),
    [
        (b'{"sender": "%s", "message": ""}', 400, "empty"),
        (b'{"sender": "%s", "message": "   "}', 400, "empty"),
        (b'{"sender": "%s", "message": "hi"', 400, "json"),
        (b"not json at all %s", 400, "json"),
        (b'{"sender": "%s", "message": "caf\xe9 \xff"}', 400, "utf-8"),
        (b'{"sender": "%s"}', 400, "message"),
        (b'{"sender": "%s", "message": 42}', 400, "message"),
        (b'["%s"]', 400, "object"),
        (b'{"sender": "%s", "message": "printer \\ud800 jam"}', 400, "broken character"),
    ],
)
def test_bad_request_gets_clear_error_and_conversation_continues(
    stack: Stack, conversation_id: str, body: bytes, status: int, hint: str
) -> None:
    stack.send(conversation_id, "hello")
    reply = post_raw(stack, body.replace(b"%s", conversation_id.encode()))
    assert reply.status_code == status
    assert hint in reply.json()["error"].lower()
    # Nothing was lost: the earlier message is still in the tracker and the bot still answers.
    assert "hello" in user_texts(stack, conversation_id)
    assert stack.send(conversation_id, "are you a bot?")


def test_100_kb_message_is_refused_with_a_limit_the_customer_can_act_on(
    stack: Stack, conversation_id: str
) -> None:
    huge = "my laptop is broken " * 5200  # about 100 kB
    reply = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": conversation_id, "message": huge},
        timeout=30.0,
    )
    assert reply.status_code == 413
    assert "at most" in reply.json()["error"]
    assert stack.send(conversation_id, "hello")


def test_html_in_a_message_is_kept_as_plain_text(stack: Stack, conversation_id: str) -> None:
    stack.send(conversation_id, "<script>alert(1)</script> hello")
    assert "<script>alert(1)</script> hello" in user_texts(stack, conversation_id)


def test_conversation_is_stored_in_the_sqlite_tracker_store(stack: Stack, conversation_id: str) -> None:
    stack.send(conversation_id, "hello")
    with sqlite3.connect(stack.config.tracker_db) as db:
        count = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (conversation_id,)).fetchone()[
            0
        ]
    assert count >= 2
