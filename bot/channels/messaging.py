"""What every messaging-app connector shares: verify the webhook, drop retries, answer at once, then run the
bot turn in the background and send the replies shaped for the app.

A connector subclasses MessagingInput (verify + parse the webhook, build its output) and MessagingOutput
(deliver one reply: text plus optional buttons). Customer text goes through customer_text.screen_customer_text (checks + redaction)
like every other channel; an option picked by number or title becomes that button's payload.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.attachments import Attachment
from bot.channels.customer_text import (
    BadCustomerText,
    redaction_notice,
    screen_customer_text,
    with_redaction_metadata,
)
from bot.channels.dedup import RecentIds
from bot.channels.delivery import DeliveryFailed
from bot.channels.failsafe import guard_message_handler
from bot.channels.file_download import Downloaded, FileNotFetched
from bot.channels.file_intake import take_files
from bot.channels.numbered_choices import OfferedChoices
from bot.channels.privacy_notice import opening_notice

log = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 1024 * 1024

OUR_FAULT = "Sorry, something went wrong on our side and I could not answer. Please send your message again."


@dataclass
class Incoming:
    """One customer action from a webhook: a message, a button press or a file."""

    event_id: str  # the app's own id, used to drop retries
    conversation_id: str
    user_id: str
    text: str | None
    display_name: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    is_choice: bool = False  # a button press: `text` is already the payload
    extra: dict[str, Any] = field(default_factory=dict)


class WebhookRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class MessagingOutput(OutputChannel, ABC):
    """Turns Rasa's message dicts into one delivery per bot message: text plus buttons."""

    def __init__(self, choices: OfferedChoices) -> None:
        self.choices = choices

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        text = str(message.get("text") or "").strip()
        buttons = list(message.get("buttons") or message.get("quick_replies") or [])
        for link in (message.get("image"), message.get("attachment")):
            if isinstance(link, str) and link:
                text = f"{text}\n{link}".strip()
        if not text and not buttons:
            return
        if buttons:
            self.choices.offer(recipient_id, buttons)
        await self.deliver(recipient_id, text, buttons, message)

    @abstractmethod
    async def deliver(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], message: dict[str, Any]
    ) -> None:
        """Send one reply; raise DeliveryFailed with a reason when the app refuses it."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})


class MessagingInput(InputChannel, ABC):
    def __init__(self) -> None:
        self.recent = RecentIds()
        self.choices = OfferedChoices()
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    # --- what each app provides -------------------------------------------------------------
    @abstractmethod
    def verify(self, request: Request) -> None:
        """Raise WebhookRefused(401 missing / 403 forged or replayed)."""

    @abstractmethod
    def parse(self, request: Request) -> list[Incoming]:
        """Every customer action in the webhook (apps batch several); raise ValueError on a bad body."""

    @abstractmethod
    def get_output_channel(self) -> OutputChannel | None: ...

    async def typing(self, conversation_id: str) -> None:
        """Show the app's typing indicator to the customer (only apps that have one override this)."""
        raise NotImplementedError

    async def fetch_file(self, session: aiohttp.ClientSession, item: Attachment) -> Downloaded:
        """Download one file the customer sent, from the app, with the app's credentials."""
        raise FileNotFetched(f"{self.name()} files are not downloaded")

    async def display_name(self, user_id: str) -> str | None:
        """The customer's name from the app's API when the webhook does not carry it (Slack, Messenger)."""
        return None

    def http(self) -> aiohttp.ClientSession:
        """One client session per connector, made inside the server's event loop on first use."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    def acknowledgement(self, request: Request) -> HTTPResponse:
        return response.json({"ok": True})

    async def before_turn(self, incoming: Incoming, output: MessagingOutput) -> bool:
        """App-specific work before the bot turn; True when the message was fully handled here."""
        return False

    def extra_routes(self, webhook: Blueprint) -> None:
        """Further routes (Messenger's subscription check, Slack's url_verification answer)."""

    def early_answer(self, request: Request) -> HTTPResponse | None:
        """An answer to a verified webhook that is not a customer message (e.g. Slack's challenge)."""
        return None

    # --- shared flow ------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"{self.name()}_webhook_{id(self)}", __name__)
        on_new_message = guard_message_handler(on_new_message)  # a failure is answered, never silent

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_WEBHOOK_BYTES:
                return response.json({"error": "request too large"}, status=413)
            try:
                self.verify(request)
            except WebhookRefused as refused:
                log.warning("%s webhook refused (%s): %s", self.name(), refused.status, refused)
                return response.json({"error": str(refused)}, status=refused.status)
            early = self.early_answer(request)
            if early is not None:
                return early
            try:
                batch = self.parse(request)
            except ValueError as problem:
                return response.json({"error": f"cannot read the webhook: {problem}"}, status=400)
            for incoming in batch:
                if not self.recent.first_time(incoming.event_id):
                    log.info("%s: dropped a retry of %s", self.name(), incoming.event_id)
                    continue
                self._spawn(self._handle(incoming, on_new_message, getattr(request.app.ctx, "agent", None)))
            return self.acknowledgement(request)

        @webhook.route("/typing", methods=["POST"])
        async def agent_typing(request: Request) -> HTTPResponse:
            """The handoff service (bearer HANDOFF_API_TOKEN) shows the customer that an agent is typing."""
            token = os.environ.get("HANDOFF_API_TOKEN", "")
            scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
            if (
                not token
                or scheme.lower() != "bearer"
                or not hmac.compare_digest(given.encode(), token.encode())
            ):
                return response.json({"error": "missing or wrong bearer token"}, status=401)
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                body = None
            session = body.get("session_id") if isinstance(body, dict) else None
            if not isinstance(session, str) or not 0 < len(session) <= 200:
                return response.json({"error": "give session_id (1-200 characters)"}, status=400)
            try:
                await self.typing(session)
            except NotImplementedError:
                return response.json({"error": f"{self.name()} has no typing indicator"}, status=404)
            except Exception as exc:  # the app refused or is unreachable: not worth more than a log line
                log.info("%s: typing not shown: %s", self.name(), type(exc).__name__)
                return response.json({"error": "the app did not take the typing notice"}, status=502)
            return response.json({"ok": True})

        self.extra_routes(webhook)
        return webhook

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(
        self, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]], agent: Any = None
    ) -> None:
        output = self.get_output_channel()
        assert isinstance(output, MessagingOutput)
        try:
            if await self.before_turn(incoming, output):
                return
            text = incoming.text or ""
            stored: list[dict[str, Any]] = []
            # Asked once per conversation, before anything is stored: a file is kept too.
            opening = await opening_notice(incoming.conversation_id)
            if incoming.attachments:
                # Stored with the conversation's ticket for the agent (or for the ticket opened later).
                outcome = await take_files(
                    self.fetch_file, self.http(), self.name(), incoming.conversation_id, incoming.attachments
                )
                stored = outcome.stored
                with_person = await _with_a_person(agent, incoming.conversation_id)
                for reply in outcome.replies(with_person, has_text=bool(text.strip())):
                    await output.send_response(incoming.conversation_id, {"text": reply})
                if not text.strip():
                    if opening:  # a file as the very first message: the notice follows its answer
                        await output.send_response(incoming.conversation_id, {"text": opening})
                    return
            if not incoming.display_name:
                incoming.display_name = await self.display_name(incoming.user_id)
            try:
                screened = screen_customer_text(text, incoming.conversation_id)
            except BadCustomerText as problem:
                await output.send_response(incoming.conversation_id, {"text": str(problem)})
                if opening:
                    await output.send_response(incoming.conversation_id, {"text": opening})
                return
            # Only the redacted text goes on to Rasa (tracker, logs, handoff transcript).
            if notice := redaction_notice(incoming.conversation_id, screened):
                await output.send_response(incoming.conversation_id, {"text": notice})
            text = screened.text
            if not incoming.is_choice:
                text = self.choices.resolve(incoming.conversation_id, text)
            metadata = with_redaction_metadata(
                {
                    "channel_user": {"id": incoming.user_id, "name": incoming.display_name},
                    "attachments": stored,  # the stored copies, never the app's addresses
                    **incoming.extra,
                },
                screened,
            )
            await on_new_message(
                UserMessage(
                    text, output, incoming.conversation_id, input_channel=self.name(), metadata=metadata
                )
            )
            if opening:  # the privacy notice follows the first answer, as on every channel
                await output.send_response(incoming.conversation_id, {"text": opening})
        except DeliveryFailed as failed:
            log.warning("%s: reply to %s not delivered: %s", self.name(), incoming.conversation_id, failed)
        except Exception:
            log.exception("%s: handling %s failed", self.name(), incoming.event_id)
            try:  # never silence: tell the customer what happened and what to do
                await output.send_response(incoming.conversation_id, {"text": OUR_FAULT})
            except Exception:
                log.warning("%s: could not tell %s about the failure", self.name(), incoming.conversation_id)


async def _with_a_person(agent: Any, conversation_id: str) -> bool:
    """True while the conversation is paused for an agent (the handoff service pauses it on claim)."""
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return False
    try:
        tracker = await store.retrieve(conversation_id)
    except Exception:  # a tracker store problem must not lose the customer's message
        log.warning("could not read the tracker of %s", conversation_id)
        return False
    return bool(tracker is not None and tracker.is_paused())
