"""Redaction where customer text enters the handoff service without passing a bot channel.

The bot's channels already redact what customers type (bot/channels/customer_text.py). The handoff API
also takes customer text directly: the transcript and summary a bot sends with a handoff, satisfaction
comments, the callback form's free-text fields. Those are redacted here before the store sees them. The
callback form's email and phone are the customer's consented contact details and are kept.
"""

from __future__ import annotations

from typing import Any

from handoff.models import HandoffRequest
from privacy import redact

# Callback fields the customer consented to give us for a callback; every other field is redacted.
CONSENTED_CALLBACK_FIELDS = frozenset({"consent", "email", "phone", "name"})


def redacted(text: str | None) -> str | None:
    return redact(text).text if text else text


def redacted_handoff(request: HandoffRequest) -> HandoffRequest:
    """The handoff with customer-written text redacted (bot and agent lines are ours, left as they are)."""
    transcript = [
        entry.model_copy(update={"text": redact(entry.text).text}) if entry.role == "customer" else entry
        for entry in request.transcript
    ]
    return request.model_copy(update={"summary": redact(request.summary).text, "transcript": transcript})


def redacted_callback(callback: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if key in CONSENTED_CALLBACK_FIELDS or not isinstance(value, str) else redact(value).text
        for key, value in callback.items()
    }
