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
    """The handoff with customer-written text redacted (bot and agent lines are ours, left as they are).

    The summary and the request form's answers (`request_details`) may hold what the customer typed. The
    customer's own `channel:user id` is the ticket's key (an SMS customer's is their phone number) and is
    kept wherever it appears, so a privacy request still names the account to export or erase."""
    own = request.customer.channel_user_id
    keep = (f"{request.channel}:{own}", own)
    transcript = [
        entry.model_copy(update={"text": redact(entry.text).text}) if entry.role == "customer" else entry
        for entry in request.transcript
    ]
    details = (
        {label: _redacted_keeping(value, keep) for label, value in request.request_details.items()}
        if request.request_details
        else request.request_details
    )
    return request.model_copy(
        update={
            "summary": _redacted_keeping(request.summary, keep),
            "transcript": transcript,
            "request_details": details,
        }
    )


def _redacted_keeping(text: str, keep: tuple[str, ...]) -> str:
    """`text` redacted, except where it says one of `keep` (the longest first)."""
    if not keep or not text:
        return redact(text).text
    first, rest = keep[0], keep[1:]
    return first.join(_redacted_keeping(part, rest) for part in text.split(first))


def redacted_callback(callback: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if key in CONSENTED_CALLBACK_FIELDS or not isinstance(value, str) else redact(value).text
        for key, value in callback.items()
    }
