"""Telegram connector (replaces Rasa's, which fails on this install: see docs/channels.md).

Verifies X-Telegram-Bot-Api-Secret-Token (set with setWebhook's secret_token), drops retried update_ids,
shows buttons as an inline keyboard and answers every button press with answerCallbackQuery.
Env: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, optional TELEGRAM_API_URL (a local fake in tests).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import TelegramAPIError
from sanic.request import Request

from bot.channels.attachments import Attachment
from bot.channels.delivery import DeliveryFailed
from bot.channels.file_download import Downloaded, FileNotFetched, FileTooBig, download
from bot.channels.messaging import Incoming, MessagingInput, MessagingOutput, WebhookRefused
from bot.channels.numbered_choices import OfferedChoices, button_title
from bot.channels.signatures import telegram_secret_ok
from bot.channels.splitting import TELEGRAM_LIMIT, split_message
from bot.channels.webhook_json import listed, obj, size_of, text_of

log = logging.getLogger(__name__)
CALLBACK_DATA_MAX_BYTES = 64
FILE_PREFIX = "telegram-file:"
# Telegram messages the bot cannot pass on (only pictures, PDF and text go to the support team), with the
# kind to assume when Telegram gives no MIME type.
_UNREADABLE_MEDIA = {
    "voice": "audio",
    "audio": "audio",
    "video": "video",
    "video_note": "video",
    "animation": "video",
}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramClient:
    """One aiogram Bot, made on first use inside the server's event loop (aiogram 2.15 binds its session
    to the loop it was created in)."""

    def __init__(self, token: str, api_url: str) -> None:
        self.token, self.api_url = token, api_url
        self._bot: Bot | None = None

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            self._bot = Bot(
                self.token, server=TelegramAPIServer.from_base(self.api_url), validate_token=False
            )
        return self._bot


def _keyboard(buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup:
    markup = InlineKeyboardMarkup()
    for number, button in enumerate(buttons, start=1):
        payload = str(button.get("payload") or button_title(button))
        data = payload if len(payload.encode()) <= CALLBACK_DATA_MAX_BYTES else f"#{number}"
        markup.row(InlineKeyboardButton(text=button_title(button)[:64], callback_data=data))
    return markup


class TelegramOutput(MessagingOutput):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, client: TelegramClient, choices: OfferedChoices) -> None:
        super().__init__(choices)
        self.client = client

    async def deliver(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], message: dict[str, Any]
    ) -> None:
        parts = split_message(text, TELEGRAM_LIMIT) or ["Choose one:"]
        try:
            for index, part in enumerate(parts):
                markup = _keyboard(buttons) if buttons and index == len(parts) - 1 else None
                await self.client.bot.send_message(recipient_id, part, reply_markup=markup)
        except TelegramAPIError as refused:
            raise DeliveryFailed(f"Telegram refused the message: {refused}") from refused
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryFailed(f"Telegram could not be reached ({type(exc).__name__})") from exc


def _name(user: dict[str, Any]) -> str | None:
    full = " ".join(str(user.get(key) or "") for key in ("first_name", "last_name")).strip()
    return full or (str(user["username"]) if user.get("username") else None)


class TelegramChannel(MessagingInput):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self) -> None:
        super().__init__()
        self.secret = os.environ["TELEGRAM_WEBHOOK_SECRET"]
        self.client = TelegramClient(
            os.environ["TELEGRAM_BOT_TOKEN"], os.environ.get("TELEGRAM_API_URL") or "https://api.telegram.org"
        )

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.client, self.choices)

    async def typing(self, conversation_id: str) -> None:
        await self.client.bot.send_chat_action(conversation_id, "typing")

    async def fetch_file(self, session: aiohttp.ClientSession, item: Attachment) -> Downloaded:
        """getFile, then the file address (which holds the bot token: never logged, never stored)."""
        base = self.client.api_url.rstrip("/")
        method = f"{base}/bot{self.client.token}/getFile"
        try:
            async with session.post(
                method,
                json={"file_id": item.url.removeprefix(FILE_PREFIX)},
                timeout=aiohttp.ClientTimeout(total=20),
            ) as answer:
                body = await answer.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise FileNotFetched(f"Telegram getFile could not be reached ({type(exc).__name__})") from None
        if not isinstance(body, dict) or not body.get("ok"):
            description = str((body or {}).get("description") if isinstance(body, dict) else "no JSON")
            if "too big" in description:
                raise FileTooBig(description)
            raise FileNotFetched(f"Telegram getFile: {description}")
        path = str((body.get("result") or {}).get("file_path") or "")
        if not path:
            raise FileNotFetched("Telegram getFile gave no file_path")
        url = f"{base}/file/bot{self.client.token}/{path.lstrip('/')}"
        return await download(session, url)  # the token is in the address; nothing else is sent

    def verify(self, request: Request) -> None:
        header = request.headers.get(SECRET_HEADER)
        if not header:
            raise WebhookRefused(401, f"missing {SECRET_HEADER}")
        if not telegram_secret_ok(header, self.secret):
            raise WebhookRefused(403, f"wrong {SECRET_HEADER}")

    def parse(self, request: Request) -> list[Incoming]:
        try:
            update = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError("the body is not JSON") from exc
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise ValueError("no update_id")
        key = f"update:{update['update_id']}"
        if isinstance(update.get("callback_query"), dict):
            query = update["callback_query"]
            chat = obj(obj(query.get("message")).get("chat")).get("id")
            user = obj(query.get("from"))
            if not isinstance(chat, int | str):
                return []
            return [
                Incoming(
                    key,
                    str(chat),
                    str(user.get("id", chat)),
                    str(query.get("data") or ""),
                    _name(user),
                    extra={"telegram_callback_id": str(query.get("id") or "")},
                )
            ]
        message = update.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
            return []  # edited messages, channel posts, joins: nothing for the bot to answer
        user = obj(message.get("from"))
        files = []
        if photos := listed(message.get("photo")):
            photo = obj(photos[-1])
            files.append(
                Attachment(
                    f"{FILE_PREFIX}{photo.get('file_id')}",
                    "image/jpeg",
                    "photo.jpg",
                    size_of(photo.get("file_size")),
                )
            )
        if isinstance(message.get("document"), dict):
            document = message["document"]
            files.append(
                Attachment(
                    f"{FILE_PREFIX}{document.get('file_id')}",
                    str(document.get("mime_type") or "application/octet-stream"),
                    str(document.get("file_name") or ""),
                    size_of(document.get("file_size")),
                )
            )
        for kind, stated in _UNREADABLE_MEDIA.items():  # refused without a download, and the customer told
            media = message.get(kind)
            if isinstance(media, dict):
                files.append(
                    Attachment(
                        f"{FILE_PREFIX}{media.get('file_id')}",
                        str(media.get("mime_type") or stated),
                        "",
                        size_of(media.get("file_size")),
                    )
                )
        text = text_of(message.get("text")) or text_of(message.get("caption"))
        sticker = message.get("sticker")
        if not text and isinstance(sticker, dict) and isinstance(sticker.get("emoji"), str):
            text = sticker["emoji"]  # a 👍 sticker means what the 👍 emoji means (a yes to a yes/no step)
        elif isinstance(sticker, dict):
            files.append(Attachment(f"{FILE_PREFIX}{sticker.get('file_id')}", "sticker", "", None))
        chat_id = str(message["chat"].get("id"))
        return [Incoming(key, chat_id, str(user.get("id", chat_id)), text, _name(user), files)]

    async def before_turn(self, incoming: Incoming, output: MessagingOutput) -> bool:
        callback_id = incoming.extra.pop("telegram_callback_id", None)
        if callback_id is None:
            return False
        try:  # stops the spinner on the pressed button
            await self.client.bot.answer_callback_query(callback_id)
        except (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.info("answerCallbackQuery failed: %s", exc)
        data = incoming.text or ""
        if data.startswith("#"):
            incoming.text = self.choices.resolve(incoming.conversation_id, data)
        incoming.is_choice = True
        return False
