"""Metadata a client attaches to a message is customer text: only the keys the project reads survive, and
their values are redacted (the stored tracker keeps what this returns)."""

from __future__ import annotations

from bot.channels.client_metadata import client_metadata


def test_known_keys_are_kept_redacted_and_everything_else_is_dropped() -> None:
    sent = {
        "customer_id": "alice@example.com",
        "site": "Leeds office",
        "note": "my card is 4111 1111 1111 1111",
        "handoff_role": "agent",  # would hide the message from the agent's transcript
        "redacted": [],
        "channel_user": {"name": "Boss"},
        "network": {"nested": "my password is hunter2"},
    }
    assert client_metadata(sent) == {"customer_id": "[email address]", "site": "Leeds office"}
    assert client_metadata({"site": "pw: hunter22 call 07700 900123"}) == {
        "site": "pw: [password] call [phone number]"
    }


def test_nothing_usable_is_no_metadata() -> None:
    assert client_metadata(None) is None
    assert client_metadata("a string") is None
    assert client_metadata({"other": "x", "site": "   "}) is None
