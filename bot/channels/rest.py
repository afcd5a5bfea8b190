"""REST channel that rejects bad input with a clear 4xx instead of crashing or guessing.

Rasa's stock ``RestInput`` answers a non-JSON or non-UTF-8 body with a Sanic error page and passes empty or
huge messages straight to NLU. Customers' clients deserve a short JSON error they can show, and the
conversation must carry on normally afterwards.

A client that stops waiting (its timeout, a closed connection) does not take its message with it: the turn
runs to the end and is saved (``bot/channels/handled_to_the_end.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.customer_text import BadCustomerText, redaction_notice
from bot.channels.failsafe import guard_message_handler
from bot.channels.handled_to_the_end import handle_to_the_end
from bot.channels.privacy_notice import opening_notice
from bot.channels.rest_body import BadRestRequest, parse_rest_body

__all__ = ["BadRestRequest", "SafeRestInput", "parse_rest_body"]

logger = logging.getLogger(__name__)


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
            turn = UserMessage(message.text, collector, sender, input_channel=self.name(), metadata=metadata)
            # Sanic cancels this handler when the client disconnects; the turn itself must not stop halfway.
            await handle_to_the_end(on_new_message(turn), sender, self.name())
            # After the answer, so the first thing a new customer reads is help with their problem.
            if opening:
                await collector.send_text_message(sender, opening)
            return response.json(collector.messages)

        return webhook
