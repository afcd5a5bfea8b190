"""Webhook verification for each messaging app, all compared in constant time (pure Python + twilio).

Each function answers only "is this request really from the app?"; the connectors refuse a request that
fails with 401 (nothing to check) or 403 (forged or replayed) before it reaches NLU or the tracker.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SLACK_REPLAY_WINDOW_SECONDS = 5 * 60


def telegram_secret_ok(header: str | None, secret: str) -> bool:
    """Telegram repeats the `secret_token` given to setWebhook in X-Telegram-Bot-Api-Secret-Token."""
    return bool(header) and hmac.compare_digest(header.encode(), secret.encode())  # type: ignore[union-attr]


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slack_signature_ok(
    secret: str, timestamp: str | None, body: bytes, signature: str | None, now: float | None = None
) -> bool:
    """Slack signs `v0:<timestamp>:<body>`; a timestamp older or newer than 5 minutes is a replay."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > SLACK_REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(slack_signature(secret, timestamp, body).encode(), signature.encode())


def twilio_signature_ok(auth_token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    """Twilio signs the public URL it called plus the sorted form fields (twilio.request_validator)."""
    if not signature:
        return False
    from twilio.request_validator import RequestValidator  # compares with compare_digest

    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


def messenger_signature(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def messenger_signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """Meta signs the raw body with the app secret in X-Hub-Signature-256 (SHA-1 is not accepted)."""
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(messenger_signature(app_secret, body).encode(), header.encode())
