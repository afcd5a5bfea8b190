"""Against the real stack (Rasa + SQL tracker store, action server, handoff service): redaction before
storage, the one-time notice, and export then erasure that leaves no byte of the customer's words."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from stack import paths
from stack.services import Stack

pytestmark = pytest.mark.integration

SECRET_MESSAGE = "my password is hunter2 and my card is 4111 1111 1111 1111, please fix my login"


def _user_texts(stack: Stack, conversation_id: str) -> list[str]:
    return [e.get("text") or "" for e in stack.tracker(conversation_id)["events"] if e["event"] == "user"]


def _privacy(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HANDOFF_DB": str(stack.config.handoff_db),
        "HANDOFF_TRACKER_DB": str(stack.config.tracker_db),
    }
    return subprocess.run(
        [str(paths.APP_PYTHON), "-m", "handoff", "privacy", *args],
        cwd=paths.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _bytes_of(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def test_secrets_never_reach_the_tracker_and_the_customer_is_told_once(
    stack: Stack, conversation_id: str
) -> None:
    first = stack.send(conversation_id, SECRET_MESSAGE)
    assert "removed a card number and a password" in first[0]["text"]
    assert "never ask for your password" in first[0]["text"]
    assert len(first) > 2, "the bot still answers the question"
    assert "This chat is recorded to help you, and kept for 90 days." in first[-1]["text"]
    assert "copy or have it deleted" in first[-1]["text"]
    again = stack.send(conversation_id, "pw: Summer2024!")
    assert not any("removed" in (m.get("text") or "") or "recorded" in (m.get("text") or "") for m in again)

    texts = _user_texts(stack, conversation_id)
    assert "my password is [password] and my card is [card number], please fix my login" in texts
    stored = _bytes_of(stack.config.tracker_db)
    for secret in (b"hunter2", b"4111 1111 1111 1111", b"Summer2024!"):
        assert secret not in stored


def test_export_then_erase_leaves_no_trace_in_any_database_file(stack: Stack, conversation_id: str) -> None:
    phrase = f"zebra printer {conversation_id} smells of burnt toast"
    stack.send(conversation_id, phrase)
    handoff = {
        "conversation_id": conversation_id,
        "channel": "rest",
        "customer": {"channel_user_id": conversation_id, "name": "Robin Quill"},
        "summary": phrase,
        "reason": "customer_request",
        "transcript": [{"role": "customer", "text": phrase, "timestamp": "2026-01-05T10:00:00+00:00"}],
    }
    ticket_id = stack.open_handoff(handoff)
    httpx.put(
        f"{stack.handoff_url}/api/handoffs/{ticket_id}/callback",
        json={"consent": True, "name": "Robin Quill", "phone": "07700 900123", "preferred_time": phrase},
        headers={"Authorization": f"Bearer {stack.handoff_token}"},
        timeout=30,
    ).raise_for_status()

    exported = _privacy(stack, "export", "--customer", f"rest:{conversation_id}")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert any(m["text"] == phrase for c in data["conversations"] for m in c["messages"])
    assert [t["id"] for t in data["tickets"]] == [ticket_id]
    assert data["tickets"][0]["callback"]["phone"] == "07700 900123"
    assert any(m["text"] == phrase for m in data["ticket_messages"])

    refused = _privacy(stack, "erase", "--customer", f"rest:{conversation_id}")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    erased = _privacy(stack, "erase", "--customer", f"rest:{conversation_id}", "--yes")
    assert erased.returncode == 0, erased.stderr
    assert "tracker_events" in erased.stdout and "tickets" in erased.stdout

    for db in (stack.config.tracker_db, stack.config.handoff_db):
        stored = _bytes_of(db)
        for trace in (phrase.encode(), b"Robin Quill", b"burnt toast"):
            assert trace not in stored, f"{trace!r} still in {db.name}"
    assert _user_texts(stack, conversation_id) == []
    audit = _privacy(stack, "audit")
    assert "\terase\t" in audit.stdout and "\texport\t" in audit.stdout
    assert conversation_id not in audit.stdout  # the audit log keeps a hash, not the customer's id
