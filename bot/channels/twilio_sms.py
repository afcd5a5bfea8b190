"""SMS and WhatsApp through Twilio (replaces Rasa's connector: see docs/channels.md).

Verifies X-Twilio-Signature over the public webhook URL (PUBLIC_WEBHOOK_BASE_URL + path when Rasa sits
behind a proxy), drops retried MessageSids, answers Twilio at once with empty TwiML and sends replies
through the REST API in a worker thread (the twilio client is synchronous). Buttons become one message
with a numbered list; "1" or the option's title picks it. SMS STOP / START / HELP are honoured; a send that
Twilio refuses (bad credentials, opted out 21610, WhatsApp's 24-hour window 63016) raises DeliveryFailed.
Env: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_SMS_NUMBER and/or TWILIO_WHATSAPP_NUMBER, optional
TWILIO_API_URL (a local fake in tests).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from bot.channels.attachments import Attachment
from bot.channels.delivery import DeliveryFailed
from bot.channels.file_download import (
    Credentials,
    Downloaded,
    FileNotFetched,
    allowed_address,
    download,
    host_of,
)
from bot.channels.messaging import Incoming, MessagingInput, MessagingOutput, WebhookRefused
from bot.channels.numbered_choices import OfferedChoices, numbered_list
from bot.channels.opt_out import HELP_WORDS, START_WORDS, STOP_WORDS, OptOutList, keyword
from bot.channels.signatures import twilio_signature_ok
from bot.channels.splitting import SMS_LIMIT, split_message

SIGNATURE_HEADER = "X-Twilio-Signature"
OPTED_OUT = (
    "the customer sent STOP, so no more messages can be sent to this number until they send START "
    "(Twilio error 21610)"
)
HELP_TEXT = (
    "This is the IT support assistant (a bot). Describe your problem, or write 'I want a person' to reach "
    "the support team. Reply STOP to stop messages, START to get them again."
)
STARTED_TEXT = "Messages from IT support are on again. How can I help?"
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
WHATSAPP_PREFIX = "whatsapp:"
API_HOST = (
    "api.twilio.com"  # MediaUrlN points here; it redirects to Twilio's media store (no auth sent there)
)


def _reason(error: TwilioRestException) -> str:
    if error.code == 21610:
        return OPTED_OUT
    if error.code == 63016:
        return "it is more than 24 hours since the customer last wrote on WhatsApp: they have to write first"
    if error.status == 401 or error.code == 20003:
        return "Twilio refused the account credentials (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)"
    return f"Twilio refused the message (error {error.code}: {error.msg})"


class TwilioOutput(MessagingOutput):
    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(
        self, client: Client, sender: str, opt_out: OptOutList | None, choices: OfferedChoices
    ) -> None:
        super().__init__(choices)
        self.client, self.sender, self.opt_out = client, sender, opt_out

    async def deliver(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], message: dict[str, Any]
    ) -> None:
        if self.opt_out is not None and self.opt_out.opted_out(recipient_id):
            raise DeliveryFailed(OPTED_OUT)
        body = numbered_list(text, buttons) if buttons else text
        for part in split_message(body, SMS_LIMIT):
            await self.send_plain(recipient_id, part)

    async def send_plain(self, recipient_id: str, text: str) -> None:
        try:
            await asyncio.to_thread(
                self.client.messages.create, body=text, from_=self.sender, to=recipient_id
            )
        except TwilioRestException as refused:
            raise DeliveryFailed(_reason(refused)) from refused
        except (TwilioException, OSError) as exc:
            raise DeliveryFailed(f"Twilio could not be reached ({type(exc).__name__})") from exc


class TwilioSmsChannel(MessagingInput):
    number_variable = "TWILIO_SMS_NUMBER"
    prefix = ""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self) -> None:
        super().__init__()
        self.auth_token = os.environ["TWILIO_AUTH_TOKEN"]
        self.account_sid = os.environ["TWILIO_ACCOUNT_SID"]
        self.client = Client(self.account_sid, self.auth_token)
        self.api_hosts = {API_HOST}
        if os.environ.get("TWILIO_API_URL"):
            self.client.api.base_url = os.environ["TWILIO_API_URL"].rstrip("/")
            self.api_hosts.add(host_of(self.client.api.base_url))
        number = os.environ[self.number_variable].strip()
        self.sender = number if number.startswith(self.prefix) else self.prefix + number
        self.public_base = (os.environ.get("PUBLIC_WEBHOOK_BASE_URL") or "").rstrip("/")
        self.opt_out = OptOutList.from_env() if not self.prefix else None

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.client, self.sender, self.opt_out, self.choices)

    def acknowledgement(self, request: Request) -> HTTPResponse:
        return response.text(TWIML_EMPTY, content_type="text/xml")

    async def fetch_file(self, session: aiohttp.ClientSession, item: Attachment) -> Downloaded:
        """MediaUrlN with the account's basic auth (needed when media auth is on), sent to Twilio's API
        host only; the redirect to the media store is followed without it."""
        if not allowed_address(item.url, self.api_hosts) or host_of(item.url) not in self.api_hosts:
            raise FileNotFetched("the media address is not on Twilio's API host")
        auth = aiohttp.BasicAuth(self.account_sid, self.auth_token)
        return await download(session, item.url, Credentials(self.api_hosts, auth=auth))

    def _fields(self, request: Request) -> dict[str, str]:
        raw = parse_qs((request.body or b"").decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[0] for name, values in raw.items()}

    def _signed_url(self, request: Request) -> str:
        """The URL Twilio called: behind a proxy or tunnel Rasa sees another host, so use the public one."""
        if self.public_base:
            query = f"?{request.query_string}" if request.query_string else ""
            return f"{self.public_base}{request.path}{query}"
        return request.url

    def verify(self, request: Request) -> None:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            raise WebhookRefused(401, f"missing {SIGNATURE_HEADER}")
        if not twilio_signature_ok(
            self.auth_token, self._signed_url(request), self._fields(request), signature
        ):
            raise WebhookRefused(403, f"wrong {SIGNATURE_HEADER}")

    def parse(self, request: Request) -> list[Incoming]:
        fields = self._fields(request)
        sender, sid = fields.get("From", ""), fields.get("MessageSid") or fields.get("SmsSid")
        if not sender or not sid:
            raise ValueError("From and MessageSid are required")
        if bool(self.prefix) != sender.startswith(WHATSAPP_PREFIX):
            raise ValueError(f"this webhook is for {'WhatsApp' if self.prefix else 'SMS'} messages")
        files: list[Attachment] = []
        count = int(fields.get("NumMedia") or 0) if (fields.get("NumMedia") or "0").isdigit() else 0
        for index in range(min(count, 10)):
            url, kind = fields.get(f"MediaUrl{index}", ""), fields.get(f"MediaContentType{index}", "")
            if url.startswith(("https://", "http://")):
                files.append(Attachment(url, kind))
        name = fields.get("ProfileName") or None
        return [Incoming(f"sid:{sid}", sender, sender, fields.get("Body"), name, files)]

    async def before_turn(self, incoming: Incoming, output: MessagingOutput) -> bool:
        if self.opt_out is None:
            return False
        word = keyword(incoming.text)
        assert isinstance(output, TwilioOutput)
        if word in STOP_WORDS:
            # Twilio confirms STOP itself on long codes; we only record it so nothing else is sent.
            self.opt_out.set(incoming.conversation_id, True)
            return True
        opted_out = self.opt_out.opted_out(incoming.conversation_id)
        if opted_out and word not in START_WORDS:
            return True  # an opted-out number gets no bot turn and no reply
        if opted_out and word in START_WORDS:  # "yes" from anyone else answers the bot's question
            self.opt_out.set(incoming.conversation_id, False)
            await output.send_plain(incoming.conversation_id, STARTED_TEXT)
            return True
        if word in HELP_WORDS:
            await output.send_plain(incoming.conversation_id, HELP_TEXT)
            return True
        return False


class TwilioWhatsAppChannel(TwilioSmsChannel):
    number_variable = "TWILIO_WHATSAPP_NUMBER"
    prefix = WHATSAPP_PREFIX

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"
