"""Slack connector: Events API messages and Block Kit button presses on one URL.

Verifies the signing secret with a 5-minute replay window, drops retried event_ids, answers in the same
channel and thread the customer wrote in (also for an agent's reply relayed later), ignores bot messages.
The conversation id is "<channel>:<user>", so a relayed reply knows where to go.
Env: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, optional SLACK_API_URL (a local fake in tests).
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.attachments import Attachment
from bot.channels.delivery import DeliveryFailed
from bot.channels.display_names import DisplayNames
from bot.channels.file_download import (
    Credentials,
    Downloaded,
    FileNotFetched,
    allowed_address,
    download,
    host_of,
)
from bot.channels.messaging import Incoming, MessagingInput, MessagingOutput, WebhookRefused
from bot.channels.numbered_choices import OfferedChoices, button_title
from bot.channels.signatures import slack_signature_ok
from bot.channels.splitting import SLACK_SECTION_LIMIT, split_message
from bot.channels.webhook_json import listed, obj, size_of, text_of

MAX_BUTTONS = 25  # elements in one actions block
FILES_HOST = "files.slack.com"  # where url_private points; the only host that gets the bot token


def slack_escape(text: str) -> str:
    """Slack's mrkdwn treats &, < and > as markup; customer-visible text must show them literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks_for(text: str, buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(part)}}
        for part in split_message(text, SLACK_SECTION_LIMIT)
    ]
    if buttons:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": button_title(button)[:75] or str(number)},
                        "value": str(button.get("payload") or button_title(button))[:2000],
                        "action_id": f"choice_{number}",
                    }
                    for number, button in enumerate(buttons[:MAX_BUTTONS], start=1)
                ],
            }
        )
    return blocks


class SlackOutput(MessagingOutput):
    @classmethod
    def name(cls) -> str:
        return "slack"

    def __init__(self, client: AsyncWebClient, threads: dict[str, str], choices: OfferedChoices) -> None:
        super().__init__(choices)
        self.client, self.threads = client, threads

    async def deliver(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], message: dict[str, Any]
    ) -> None:
        channel = recipient_id.split(":", 1)[0]
        try:
            await self.client.chat_postMessage(
                channel=channel,
                text=text[:3000] or "Choose one:",  # notification / fallback text
                blocks=blocks_for(text, buttons),
                thread_ts=self.threads.get(recipient_id),
            )
        except SlackApiError as refused:
            raise DeliveryFailed(f"Slack refused the message: {refused.response.get('error')}") from refused
        except (SlackClientError, OSError) as exc:
            raise DeliveryFailed(f"Slack could not be reached ({type(exc).__name__})") from exc


class SlackChannel(MessagingInput):
    @classmethod
    def name(cls) -> str:
        return "slack"

    def __init__(self) -> None:
        super().__init__()
        self.signing_secret = os.environ["SLACK_SIGNING_SECRET"]
        base = (os.environ.get("SLACK_API_URL") or "https://slack.com").rstrip("/")
        self.token = os.environ["SLACK_BOT_TOKEN"]
        self.client = AsyncWebClient(token=self.token, base_url=base + "/api/")
        self.threads: dict[str, str] = {}
        self.api_host = host_of(base) if os.environ.get("SLACK_API_URL") else ""
        self.names = DisplayNames(self._profile_name)

    def get_output_channel(self) -> SlackOutput:
        return SlackOutput(self.client, self.threads, self.choices)

    async def display_name(self, user_id: str) -> str | None:
        return await self.names.name_of(user_id)

    async def _profile_name(self, user_id: str) -> str | None:
        """users.info (scope users:read): the display name the person chose, else their full name."""
        try:
            answer = await self.client.users_info(user=user_id)
        except (SlackApiError, SlackClientError, OSError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            raise LookupError(f"users.info: {reason}") from None
        user = answer.get("user") or {}
        profile = user.get("profile") or {}
        return profile.get("display_name") or profile.get("real_name") or user.get("real_name") or None

    async def fetch_file(self, session: aiohttp.ClientSession, item: Attachment) -> Downloaded:
        """url_private with the bot token (scope files:read); the token goes to Slack's file host only."""
        hosts = {FILES_HOST, *([self.api_host] if self.api_host else [])}
        if not allowed_address(item.url, hosts) or host_of(item.url) not in hosts:
            raise FileNotFetched("the file address is not on Slack's file host")
        return await download(
            session, item.url, Credentials(hosts, headers={"Authorization": f"Bearer {self.token}"})
        )

    def verify(self, request: Request) -> None:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if not timestamp or not signature:
            raise WebhookRefused(401, "missing X-Slack-Signature or X-Slack-Request-Timestamp")
        if not slack_signature_ok(self.signing_secret, timestamp, request.body or b"", signature):
            raise WebhookRefused(403, "wrong Slack signature or a request older than 5 minutes")

    def early_answer(self, request: Request) -> HTTPResponse | None:
        body = _json_body(request)
        if isinstance(body, dict) and body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge")})
        return None

    def parse(self, request: Request) -> list[Incoming]:
        if "application/x-www-form-urlencoded" in (request.content_type or ""):
            return self._parse_interaction(request)
        body = _json_body(request)
        if not isinstance(body, dict):
            raise ValueError("the body is not a JSON object")
        event = body.get("event")
        if body.get("type") != "event_callback" or not isinstance(event, dict):
            return []
        if event.get("type") not in ("message", "app_mention") or event.get("bot_id"):
            return []
        if event.get("subtype") not in (None, "file_share"):
            return []  # edits, deletions, joins
        user, channel = event.get("user"), event.get("channel")
        if not isinstance(user, str) or not isinstance(channel, str):
            return []
        conversation = f"{channel}:{user}"
        _remember_thread(self.threads, conversation, event.get("thread_ts"))
        files = [
            Attachment(
                str(item.get("url_private_download") or item.get("url_private") or ""),
                str(item.get("mimetype") or ""),
                str(item.get("name") or ""),
                size_of(item.get("size")),
            )
            for item in listed(event.get("files"))
            if isinstance(item, dict)
        ]
        event_id = str(body.get("event_id") or f"{channel}:{event.get('ts')}")
        return [Incoming(f"event:{event_id}", conversation, user, text_of(event.get("text")), None, files)]

    def _parse_interaction(self, request: Request) -> list[Incoming]:
        fields = parse_qs((request.body or b"").decode("utf-8", "replace"))
        try:
            payload = json.loads(fields.get("payload", [""])[0])
        except ValueError as exc:
            raise ValueError("the interaction payload is not JSON") from exc
        if not isinstance(payload, dict) or payload.get("type") != "block_actions":
            return []
        user = obj(payload.get("user")).get("id")
        channel = obj(payload.get("channel")).get("id")
        actions = listed(payload.get("actions"))
        if not isinstance(user, str) or not isinstance(channel, str) or not actions:
            return []
        conversation = f"{channel}:{user}"
        _remember_thread(self.threads, conversation, obj(payload.get("container")).get("thread_ts"))
        action = obj(actions[0])
        key = f"action:{action.get('action_ts') or payload.get('trigger_id')}"
        return [Incoming(key, conversation, user, str(action.get("value") or ""), None, is_choice=True)]


def _remember_thread(threads: dict[str, str], conversation: str, thread_ts: object) -> None:
    """Replies go where the customer last wrote: into their thread, or top level when they left it."""
    if thread_ts:
        threads[conversation] = str(thread_ts)
    else:
        threads.pop(conversation, None)


def _json_body(request: Request) -> Any:
    if "json" not in (request.content_type or ""):
        return None
    try:
        return json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
