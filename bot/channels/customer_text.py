"""The rules every channel applies to a customer's message before NLU sees it.

Pure Python (no Rasa imports), so the rules can be tested anywhere and every channel words its errors the
same way. `check_customer_text` also removes secrets and personal details (privacy.redact): a channel
passes on only what it returns, so nothing it removed ever reaches the tracker store, the logs or a
handoff transcript.
"""

from __future__ import annotations

import re
from typing import Any

from privacy import Redaction, redact
from privacy.notice import NoticeMemory, removed_notice

# Message metadata key listing what was removed (labels like "CARD"), for analytics and the action server.
REDACTED_KEY = "redacted"

MAX_MESSAGE_CHARS = 4000

# JSON may carry "\ud800"-style escapes that decode to half of a UTF-16 pair: not a character. The
# tokenizer, SQLite and UTF-8 output all fail on them, so they are refused at the door.
_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")


def is_valid_unicode(text: str) -> bool:
    return _UNPAIRED_SURROGATE.search(text) is None


class BadCustomerText(ValueError):
    """The message cannot be passed on; `str(error)` is a sentence the customer can act on."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_customer_text(message: object) -> str:
    """Return the text a channel may pass to the bot (secrets replaced by placeholders such as
    `[card number]`), or raise BadCustomerText."""
    return screen_customer_text(message).text


CALLBACK_PAYLOAD = "/request_callback"
"""The "Yes, contact me" button: the customer agrees to be contacted, and their next messages give the
email or phone for it (the callback form), which must reach the ticket unredacted."""
CONTACT_LABELS = frozenset({"EMAIL", "PHONE"})
CONTACT_ANSWERS = 3
"""Messages after consent that may carry the contact (the form asks again when one is not an address)."""


class ContactConsent:
    """Conversations whose customer just agreed to a callback, with the messages left to give the contact."""

    def __init__(self, limit: int = 10_000) -> None:
        self._left: dict[str, int] = {}
        self._limit = limit

    def agreed(self, conversation_id: str) -> None:
        if len(self._left) >= self._limit:
            self._left.pop(next(iter(self._left)))
        self._left[conversation_id] = CONTACT_ANSWERS

    def take(self, conversation_id: str) -> bool:
        """True when this message may keep its email / phone; counts it."""
        left = self._left.get(conversation_id, 0)
        if left <= 0:
            return False
        self._left[conversation_id] = left - 1
        return True

    def given(self, conversation_id: str) -> None:
        self._left.pop(conversation_id, None)


_consent = ContactConsent()


def screen_customer_text(message: object, conversation_id: str | None = None) -> Redaction:
    """Validate `message` and redact it; the result says what was removed. With `conversation_id`, an email or
    phone typed right after the customer agreed to a callback is kept: that is the consented contact."""
    text = _valid_text(message)
    if conversation_id is None:
        return redact(text)
    if text.strip().startswith(CALLBACK_PAYLOAD):
        _consent.agreed(conversation_id)
        return redact(text)
    if not _consent.take(conversation_id):
        return redact(text)
    screened = redact(text, keep=CONTACT_LABELS)
    if redact(text).labels != screened.labels:  # a contact was given: the next messages are redacted again
        _consent.given(conversation_id)
    return screened


_told = NoticeMemory()


def redaction_notice(conversation_id: str, screened: Redaction) -> str | None:
    """The sentence to show the customer the first time something is removed in this conversation."""
    if not screened.changed or not _told.first_time(conversation_id):
        return None
    return removed_notice(screened.labels)


def with_redaction_metadata(metadata: dict[str, Any] | None, screened: Redaction) -> dict[str, Any] | None:
    if not screened.changed:
        return metadata
    return {**(metadata or {}), REDACTED_KEY: list(screened.labels)}


def _valid_text(message: object) -> str:
    if not isinstance(message, str):
        raise BadCustomerText(400, 'Give the customer\'s text as a string in "message".')
    if not message.strip():
        raise BadCustomerText(400, "The message is empty. Type a question or describe the problem.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise BadCustomerText(
            413, f"The message is too long ({len(message)} characters). Send at most {MAX_MESSAGE_CHARS}."
        )
    if not is_valid_unicode(message):
        raise BadCustomerText(
            400,
            "The message has a broken character (an unpaired \\ud800-\\udfff escape). Send valid Unicode text.",
        )
    return message
