"""A password the customer says they type, after saying it is a password (team3's "outlook password loop")."""

from __future__ import annotations

from privacy import redact


def _text(message: str) -> str:
    result = redact(message)
    return getattr(result, "text", result)


def test_a_typed_password_after_a_password_mention_is_removed() -> None:
    out = _text(
        "outlook keeps asking for my password, I type Marmalade!2024 and the box pops straight back up"
    )
    assert "Marmalade!2024" not in out and "[password]" in out


def test_typed_versions_addresses_and_words_stay() -> None:
    for message in (
        "my password fails, I tried v2.3 of the app and 10.0.0.1",
        "password wrong so I typed it again",
        "I typed Marmalade!2024 into the search box",  # no password named before it
    ):
        assert _text(message) == message
