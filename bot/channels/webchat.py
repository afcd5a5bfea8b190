"""Website chat over socket.io, with messages from people marked as such and typing shown both ways.

Rasa's socket.io output sends only the text. When the handoff service records an agent's message
(a bot event whose metadata carries ``handoff_role``), the widget must show who is speaking, so this
output adds ``{"sender": "agent"|"system", "agent_name": ...}`` to the emitted message. The channel keeps
the name ``socketio`` so ``output_channel=latest`` finds it for conversations that started here.

Typing while a person owns the chat:
- agent → customer: the handoff service calls ``POST /webhooks/socketio/typing`` (bearer
  ``HANDOFF_API_TOKEN``) with ``{"session_id", "name"}``; the widget gets an ``agent_typing`` event.
- customer → agent: the widget emits ``user_typing`` ``{"session_id"}``; the channel forwards it (at most
  once per session every 2 s) to ``POST {HANDOFF_URL}/api/conversations/{id}/typing``.
Without ``HANDOFF_URL``/``HANDOFF_API_TOKEN`` in the environment both are switched off.

With ``REDIS_URL`` set, emits go through Redis (``bot/scale/socketio_manager.py``), so a reply, an agent
message or a typing notice reaches the customer's socket from whichever Rasa instance sends it.

Customer messages get the same checks as the REST channel (``customer_text.screen_customer_text``); a bad
one is answered in the chat with what to fix, and never reaches NLU.

A customer who closes the chat before the reply keeps their message: python-socketio runs each message's
handler in a task of its own, not in the websocket's (which Sanic cancels on disconnect), but holds no
reference to it; ``handled_to_the_end`` holds the turn until it is saved, as on the REST channel.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.client_metadata import client_metadata
from bot.channels.customer_text import (
    BadCustomerText,
    is_valid_unicode,
    redaction_notice,
    screen_customer_text,
    with_redaction_metadata,
)
from bot.channels.failsafe import guard_message_handler
from bot.channels.handled_to_the_end import handle_to_the_end
from bot.channels.privacy_notice import opening_notice
from bot.channels.websocket_frames import keep_incoming_websocket_frames
from bot.scale.socketio_manager import share_through_redis

log = logging.getLogger(__name__)
ROLE_KEY = "handoff_role"
AGENT_TYPING_EVENT = "agent_typing"
USER_TYPING_EVENT = "user_typing"
_FORWARD_EVERY_SECONDS = 2.0
_MAX_TRACKED_SESSIONS = 10_000
_MAX_ID = 200


class WebChatOutput(SocketIOOutput):
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        role = kwargs.get(ROLE_KEY)
        if not role:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        sender = {"sender": str(role), "agent_name": kwargs.get("agent_name")}
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": sender})


@dataclass
class TypingRelay:
    """Carries typing notices between the widget and the handoff service."""

    handoff_url: str
    token: str
    last_forward: dict[str, float] = field(default_factory=dict)
    session: aiohttp.ClientSession | None = None

    @classmethod
    def from_env(cls) -> TypingRelay | None:
        url, token = os.environ.get("HANDOFF_URL", ""), os.environ.get("HANDOFF_API_TOKEN", "")
        if not url or not token:
            log.info("HANDOFF_URL or HANDOFF_API_TOKEN not set: typing notices are off")
            return None
        return cls(url.rstrip("/"), token)

    def authorized(self, header: str | None) -> bool:
        scheme, _, given = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())

    def due(self, session_id: str) -> bool:
        """Rate limit per session, so a fast typist never floods the handoff service."""
        now = time.monotonic()
        if now - self.last_forward.get(session_id, 0.0) < _FORWARD_EVERY_SECONDS:
            return False
        if len(self.last_forward) >= _MAX_TRACKED_SESSIONS:
            self.last_forward.clear()
        self.last_forward[session_id] = now
        return True

    async def forward_customer_typing(self, session_id: str) -> None:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3))
        url = f"{self.handoff_url}/api/conversations/{quote(session_id, safe='')}/typing"
        try:
            async with self.session.post(url, headers={"Authorization": f"Bearer {self.token}"}) as answer:
                if answer.status >= 400:
                    log.info("handoff service answered %s to a typing notice", answer.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.info("typing notice not delivered: %s", type(exc).__name__)


def _valid_id(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_ID and is_valid_unicode(value) else None


def _is_metadata(value: Any) -> bool:
    """What Rasa's handler accepts without raising: nothing, an object, or a string holding a JSON object."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return False
    return value is None or isinstance(value, dict)


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        keep_incoming_websocket_frames()  # a message typed while Rasa is busy is not dropped
        # A failure on our side (action server down or slow) is answered in the chat, never silent.
        webhook = super().blueprint(guard_message_handler(on_new_message))
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        share_through_redis(sio)  # several Rasa instances: any of them reaches any socket
        relay = TypingRelay.from_env()
        pending: set[asyncio.Task[None]] = set()

        # Rasa's handler passes any message straight to NLU: empty, 1 MB, or with a broken character
        # that crashes the tokenizer and leaves the customer with no reply. Check it first, and answer a
        # bad one in the chat, since socket.io has no error response.
        namespace = self.namespace or "/"
        stock_handler = sio.handlers[namespace][self.user_message_evt]

        async def checked_message(sid: str, data: Any) -> None:
            try:
                conversation_key = (
                    data.get("session_id") if isinstance(data, dict) and self.session_persistence else sid
                )
                screened = screen_customer_text(
                    data.get("message") if isinstance(data, dict) else None, str(conversation_key)
                )
                if self.session_persistence and _valid_id(data.get("session_id")) is None:
                    raise BadCustomerText(
                        400, f"Start the chat again: the session id must be 1-{_MAX_ID} characters."
                    )
                if not _is_metadata(data.get(self.metadata_key)):
                    raise BadCustomerText(400, "The message metadata must be a JSON object.")
            except BadCustomerText as problem:
                await sio.emit(
                    self.bot_message_evt, {"text": str(problem)}, room=sid, namespace=self.namespace
                )
                return
            # Only the redacted text goes on to Rasa (tracker, logs, handoff transcript).
            metadata = data.get(self.metadata_key)
            if isinstance(metadata, str):
                metadata = json.loads(metadata) if metadata.strip() else None
            # The client's metadata is customer text too: known keys only, redacted.
            data = {**data, "message": screened.text}
            data[self.metadata_key] = with_redaction_metadata(client_metadata(metadata), screened)
            conversation = str(data.get("session_id") if self.session_persistence else sid)
            opening = await opening_notice(conversation)
            if notice := redaction_notice(conversation, screened):
                await sio.emit(self.bot_message_evt, {"text": notice}, room=sid, namespace=self.namespace)
            await handle_to_the_end(stock_handler(sid, data), conversation, self.name())
            if opening:  # after the first answer, as on the REST channel (the widget keeps its buttons)
                await sio.emit(self.bot_message_evt, {"text": opening}, room=sid, namespace=self.namespace)

        sio.on(self.user_message_evt, checked_message, namespace=self.namespace)

        @webhook.route("/typing", methods=["POST"])
        async def agent_typing(request: Request) -> HTTPResponse:
            if relay is None:
                return response.json({"error": "typing notices are off"}, status=503)
            if not relay.authorized(request.headers.get("Authorization")):
                return response.json({"error": "missing or wrong bearer token"}, status=401)
            try:
                body = request.json
            except Exception:  # sanic raises its own InvalidUsage on bad JSON
                body = None
            session_id = _valid_id(body.get("session_id")) if isinstance(body, dict) else None
            name = body.get("name") if isinstance(body, dict) else None
            if session_id is None or not isinstance(name, str) or not 0 < len(name) <= _MAX_ID:
                return response.json({"error": "give session_id and name (1-200 characters)"}, status=400)
            event = {"name": name, "typing": bool(body.get("typing", True))}
            await sio.emit(AGENT_TYPING_EVENT, event, room=session_id, namespace=self.namespace)
            return response.json({"ok": True})

        @sio.on(USER_TYPING_EVENT, namespace=self.namespace)
        async def user_typing(sid: str, data: Any) -> None:
            if relay is None:
                return
            session_id = _valid_id(data.get("session_id")) if isinstance(data, dict) else None
            if not self.session_persistence:
                session_id = sid
            # Only a socket that joined the session (session_request) may speak for it.
            elif session_id is None or session_id not in sio.rooms(sid, namespace=self.namespace):
                return
            if relay.due(session_id):
                task = asyncio.create_task(relay.forward_customer_typing(session_id))
                pending.add(task)
                task.add_done_callback(pending.discard)

        return webhook
