"""The REST channel's request body, read without Rasa (so it is tested anywhere): a clear 4xx for anything
that is not `{"sender": "...", "message": "...", "metadata": {...}}`, and the message screened and redacted
before Rasa sees it."""

from __future__ import annotations

import json
from typing import Any

from bot.channels.client_metadata import client_metadata
from bot.channels.customer_text import (
    MAX_MESSAGE_CHARS,
    BadCustomerText,
    is_valid_unicode,
    screen_customer_text,
    with_redaction_metadata,
)
from privacy import Redaction

MAX_BODY_BYTES = 256 * 1024
MAX_SENDER_CHARS = 128


class BadRestRequest(BadCustomerText):
    """The request cannot be turned into a customer message."""


def parse_rest_body(body: bytes) -> tuple[str, Redaction, dict[str, Any] | None]:
    """Return (sender, redacted message, metadata) from a REST webhook body, or raise BadCustomerText
    (BadRestRequest for problems with the request rather than the text)."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRestRequest(413, f"The request is too large. Send at most {MAX_MESSAGE_CHARS} characters.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRestRequest(400, "The request body must be UTF-8 encoded JSON.") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        raise BadRestRequest(
            400, 'The request body must be JSON like {"sender": "...", "message": "..."}.'
        ) from None
    if not isinstance(payload, dict):
        raise BadRestRequest(400, 'The request body must be a JSON object with "sender" and "message".')

    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRestRequest(400, 'Give a non-empty "sender" (the conversation id).')
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRestRequest(400, f'"sender" must be at most {MAX_SENDER_CHARS} characters.')
    if not is_valid_unicode(sender):
        raise BadRestRequest(400, '"sender" has a broken character (an unpaired \\ud800-\\udfff escape).')

    message = screen_customer_text(payload.get("message"), sender)

    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRestRequest(400, '"metadata" must be a JSON object.')
    return sender, message, with_redaction_metadata(client_metadata(metadata), message)
