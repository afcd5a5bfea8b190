"""The rules every channel applies to a customer's message before NLU sees it.

Pure Python (no Rasa imports), so the rules can be tested anywhere and every channel words its errors the
same way.
"""

from __future__ import annotations

import re

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
    """Return `message` if a channel may pass it to the bot, else raise BadCustomerText."""
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
