"""Facebook Messenger connector (replaces Rasa's: see docs/channels.md).

Verifies X-Hub-Signature-256 with the app secret, answers Meta's subscription check (hub.verify_token),
handles every entry and messaging event of a batch, drops retried mids, shows buttons as at most 13 quick
replies, and sends an agent's reply with the HUMAN_AGENT tag between 24 h and 7 days after the customer's
last message (later it raises DeliveryFailed: the customer has to write first). fbmessenger is synchronous,
so sends run in a worker thread.
Env: MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN, optional
MESSENGER_GRAPH_URL (a local fake in tests).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import time
from typing import Any

import aiohttp
import requests
from fbmessenger import MessengerClient
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.attachments import Attachment
from bot.channels.delivery import DeliveryFailed
from bot.channels.display_names import DisplayNames
from bot.channels.file_download import Downloaded, FileNotFetched, allowed_address, download, host_of
from bot.channels.messaging import Incoming, MessagingInput, MessagingOutput, WebhookRefused
from bot.channels.messaging_window import CUSTOMER_MUST_WRITE_FIRST, HUMAN_AGENT, SendMode, send_mode
from bot.channels.numbered_choices import OfferedChoices, button_title
from bot.channels.signatures import messenger_signature_ok
from bot.channels.splitting import MESSENGER_LIMIT, split_message
from bot.channels.webhook_json import listed, obj, text_of

MAX_QUICK_REPLIES = 13
QUICK_REPLY_TITLE_CHARS = 20
OUTSIDE_WINDOW_SUBCODES = {2018278, 2018109}
ROLE_KEY = "handoff_role"


def quick_replies(buttons: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "content_type": "text",
            "title": button_title(button)[:QUICK_REPLY_TITLE_CHARS],
            "payload": str(button.get("payload") or button_title(button))[:1000],
        }
        for button in buttons[:MAX_QUICK_REPLIES]
    ]


class MessengerOutput(MessagingOutput):
    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, client: MessengerClient, last_seen: dict[str, float], choices: OfferedChoices) -> None:
        super().__init__(choices)
        self.client, self.last_seen = client, last_seen

    async def deliver(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], message: dict[str, Any]
    ) -> None:
        mode = send_mode(self.last_seen.get(recipient_id), from_person=bool(message.get(ROLE_KEY)))
        if mode is None:
            raise DeliveryFailed(CUSTOMER_MUST_WRITE_FIRST)
        parts = split_message(text, MESSENGER_LIMIT) or ["Choose one:"]
        for index, part in enumerate(parts):
            payload: dict[str, Any] = {"text": part}
            if buttons and index == len(parts) - 1:
                payload["quick_replies"] = quick_replies(buttons)
            await self._send(recipient_id, payload, mode, from_person=bool(message.get(ROLE_KEY)))

    async def _send(
        self, recipient_id: str, payload: dict[str, Any], mode: SendMode, from_person: bool
    ) -> None:
        try:
            answer = await asyncio.to_thread(
                self.client.send, payload, recipient_id, messaging_type=mode.messaging_type, tag=mode.tag
            )
        except (requests.RequestException, ValueError) as exc:
            raise DeliveryFailed(f"Facebook could not be reached ({type(exc).__name__})") from exc
        error = answer.get("error") if isinstance(answer, dict) else {"message": "no JSON answer"}
        if not error:
            return
        if error.get("error_subcode") in OUTSIDE_WINDOW_SUBCODES:
            if from_person and mode != HUMAN_AGENT:
                await self._send(recipient_id, payload, HUMAN_AGENT, from_person)
                return
            raise DeliveryFailed(
                "it is outside Messenger's reply window for this customer: they have to write first"
            )
        if error.get("code") == 190:
            raise DeliveryFailed("Facebook refused the page access token (check MESSENGER_PAGE_ACCESS_TOKEN)")
        raise DeliveryFailed(f"Facebook refused the message: {error.get('message')}")


class MessengerChannel(MessagingInput):
    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self) -> None:
        super().__init__()
        self.app_secret = os.environ["MESSENGER_APP_SECRET"]
        self.verify_token = os.environ["MESSENGER_VERIFY_TOKEN"]
        self.page_token = os.environ["MESSENGER_PAGE_ACCESS_TOKEN"]
        self.client = MessengerClient(self.page_token)
        self.local_hosts: set[str] = set()
        if os.environ.get("MESSENGER_GRAPH_URL"):
            self.client.graph_url = os.environ["MESSENGER_GRAPH_URL"].rstrip("/")
            self.local_hosts.add(host_of(self.client.graph_url))
        self.last_seen: dict[str, float] = {}
        self.names = DisplayNames(self._profile_name)

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.client, self.last_seen, self.choices)

    async def typing(self, conversation_id: str) -> None:
        await asyncio.to_thread(self.client.send_action, "typing_on", conversation_id)

    async def display_name(self, user_id: str) -> str | None:
        return await self.names.name_of(user_id)

    async def _profile_name(self, psid: str) -> str | None:
        """Graph user profile: GET /<PSID>?fields=first_name,last_name with the page token."""
        async with self.http().get(
            f"{self.client.graph_url}/{psid}",
            params={"fields": "first_name,last_name", "access_token": self.page_token},
            timeout=aiohttp.ClientTimeout(total=5),
        ) as answer:
            body = await answer.json(content_type=None)
        if not isinstance(body, dict) or "error" in body:
            error = body.get("error") if isinstance(body, dict) else None
            raise LookupError(f"user profile: {(error or {}).get('code')} {(error or {}).get('message')}")
        return " ".join(str(body.get(key) or "") for key in ("first_name", "last_name")).strip() or None

    async def fetch_file(self, session: aiohttp.ClientSession, item: Attachment) -> Downloaded:
        """payload.url: a signed CDN address that expires (no token needed or sent)."""
        if not allowed_address(item.url, self.local_hosts):
            raise FileNotFetched("the attachment address is not https")
        return await download(session, item.url)

    def extra_routes(self, webhook: Blueprint) -> None:
        @webhook.route("/webhook", methods=["GET"])
        async def subscription_check(request: Request) -> HTTPResponse:
            given = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") != "subscribe" or not hmac.compare_digest(
                given.encode(), self.verify_token.encode()
            ):
                return response.text("wrong verify token", status=403)
            return response.text(request.args.get("hub.challenge") or "")

    def verify(self, request: Request) -> None:
        header = request.headers.get("X-Hub-Signature-256")
        if not header:
            raise WebhookRefused(401, "missing X-Hub-Signature-256")
        if not messenger_signature_ok(self.app_secret, request.body or b"", header):
            raise WebhookRefused(403, "wrong X-Hub-Signature-256")

    def parse(self, request: Request) -> list[Incoming]:
        try:
            body = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError("the body is not JSON") from exc
        if not isinstance(body, dict) or body.get("object") != "page":
            raise ValueError('expected {"object": "page", "entry": [...]}')
        found: list[Incoming] = []
        for entry in listed(body.get("entry")):
            for event in listed(obj(entry).get("messaging")):
                incoming = self._event(event)
                if incoming is not None:
                    found.append(incoming)
        return found

    def _event(self, event: Any) -> Incoming | None:
        if not isinstance(event, dict):
            return None
        sender = str(obj(event.get("sender")).get("id") or "")
        message, postback = event.get("message"), event.get("postback")
        if not sender:
            return None
        if isinstance(message, dict) and not message.get("is_echo"):
            self.last_seen[sender] = time.time()
            mid = str(message.get("mid") or "")
            choice = obj(message.get("quick_reply")).get("payload")
            if choice:
                return Incoming(f"mid:{mid}", sender, sender, str(choice), is_choice=True)
            files = [
                Attachment(str(obj(item.get("payload")).get("url") or ""), str(item.get("type") or "file"))
                for item in listed(message.get("attachments"))
                if isinstance(item, dict)
            ]
            return Incoming(f"mid:{mid}", sender, sender, text_of(message.get("text")), None, files)
        if isinstance(postback, dict):
            self.last_seen[sender] = time.time()
            key = str(postback.get("mid") or f"{sender}:{event.get('timestamp')}")
            return Incoming(f"mid:{key}", sender, sender, str(postback.get("payload") or ""), is_choice=True)
        return None
