"""REST channel that rejects bad input with a clear 4xx instead of crashing or guessing.

Rasa's stock ``RestInput`` answers a non-JSON or non-UTF-8 body with a Sanic error page and passes empty or
huge messages straight to NLU. Customers' clients deserve a short JSON error they can show, and the
conversation must carry on normally afterwards.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.client_metadata import client_metadata
from bot.channels.customer_text import (
    MAX_MESSAGE_CHARS,
    BadCustomerText,
    is_valid_unicode,
    redaction_notice,
    screen_customer_text,
    with_redaction_metadata,
)
from bot.channels.failsafe import guard_message_handler
from bot.channels.privacy_notice import opening_notice
from privacy import Redaction

logger = logging.getLogger(__name__)

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


class SafeRestInput(RestInput):
    """``rest`` channel with input validation; same URL and response format as Rasa's."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"safe_rest_webhook_{id(self)}", __name__)
        on_new_message = guard_message_handler(on_new_message)  # a failure is answered, never silent

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, message, metadata = parse_rest_body(request.body or b"")
            except BadCustomerText as error:
                logger.info("Rejected REST request: %s", error)
                return response.json({"error": str(error)}, status=error.status)

            collector = CollectingOutputChannel()
            opening = await opening_notice(sender)
            # Said before the answer: the customer should know first that the secret is gone.
            if notice := redaction_notice(sender, message):
                await collector.send_text_message(sender, notice)
            await on_new_message(
                UserMessage(message.text, collector, sender, input_channel=self.name(), metadata=metadata)
            )
            # After the answer, so the first thing a new customer reads is help with their problem.
            if opening:
                await collector.send_text_message(sender, opening)
            return response.json(collector.messages)

        return webhook
