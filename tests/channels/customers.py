"""Customers on each app: signed webhooks as the app sends them, and what the app's fake API received.

Each customer posts to the real Rasa server; `replies()` reads the fake's record of what was sent back."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from twilio.request_validator import RequestValidator

from bot.channels.signatures import messenger_signature, slack_signature
from tests.channels.fakes.server import FakeApi

_ids = itertools.count(int(time.time()) % 100_000 * 1000)


@dataclass
class Sent:
    text: str
    buttons: list[dict[str, str]]  # title + what pressing it sends


@dataclass
class Customer:
    rasa_url: str
    fake: FakeApi
    secret: str
    channel: str = ""
    user: str = field(default_factory=lambda: str(700_000_000 + next(_ids)))

    @property
    def conversation_id(self) -> str:
        return self.user

    @property
    def url(self) -> str:
        return f"{self.rasa_url}/webhooks/{self.channel}/webhook"

    def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(self.url, content=body, headers=headers, timeout=30)

    # each app -----------------------------------------------------------------------------
    def signed(self, body: bytes, extra: dict[str, str] | None = None) -> dict[str, str]:
        raise NotImplementedError

    def message_body(self, text: str, event_id: str) -> tuple[bytes, dict[str, str]]:
        raise NotImplementedError

    def press_body(self, sent: Sent, event_id: str) -> tuple[bytes, dict[str, str]]:
        raise NotImplementedError

    def sent(self) -> list[Sent]:
        raise NotImplementedError

    # shared -------------------------------------------------------------------------------
    def say(self, text: str, event_id: str | None = None) -> httpx.Response:
        body, headers = self.message_body(text, event_id or str(next(_ids)))
        return self.post(body, self.signed(body, headers))

    def press_first(self, sent: Sent) -> httpx.Response:
        body, headers = self.press_body(sent, str(next(_ids)))
        return self.post(body, self.signed(body, headers))


class TelegramCustomer(Customer):
    def signed(self, body: bytes, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": self.secret,
            **(extra or {}),
        }

    def message_body(self, text: str, event_id: str) -> tuple[bytes, dict[str, str]]:
        update = {
            "update_id": int(event_id),
            "message": {
                "message_id": int(event_id),
                "date": int(time.time()),
                "from": {"id": int(self.user), "is_bot": False, "first_name": "Ana", "last_name": "Lopez"},
                "chat": {"id": int(self.user), "type": "private"},
                "text": text,
            },
        }
        return json.dumps(update).encode(), {}

    def send_photo(self, file_id: str = "AgADphoto", caption: str | None = None) -> httpx.Response:
        update = json.loads(self.message_body("", str(next(_ids)))[0])
        del update["message"]["text"]
        if caption:
            update["message"]["caption"] = caption
        update["message"]["photo"] = [
            {
                "file_id": f"{file_id}-small",
                "file_unique_id": "u0",
                "width": 90,
                "height": 90,
                "file_size": 100,
            },
            {"file_id": file_id, "file_unique_id": "u1", "width": 900, "height": 900, "file_size": 1200},
        ]
        body = json.dumps(update).encode()
        return self.post(body, self.signed(body))

    def send_media(self, kind: str, media: dict[str, object]) -> httpx.Response:
        """A voice note, video, sticker... (`kind` is the Update's field name)."""
        update = json.loads(self.message_body("", str(next(_ids)))[0])
        del update["message"]["text"]
        update["message"][kind] = media
        body = json.dumps(update).encode()
        return self.post(body, self.signed(body))

    def press_body(self, sent: Sent, event_id: str) -> tuple[bytes, dict[str, str]]:
        update = {
            "update_id": int(event_id),
            "callback_query": {
                "id": f"cb{event_id}",
                "from": {"id": int(self.user), "is_bot": False, "first_name": "Ana"},
                "message": {"message_id": 1, "date": 0, "chat": {"id": int(self.user), "type": "private"}},
                "data": sent.buttons[0]["value"],
            },
        }
        return json.dumps(update).encode(), {}

    def sent(self) -> list[Sent]:
        found = []
        for request in self.fake.to(self.user):
            markup = json.loads(request.fields.get("reply_markup") or "{}")
            rows = markup.get("inline_keyboard") or []
            buttons = [{"title": b["text"], "value": b["callback_data"]} for row in rows for b in row]
            found.append(Sent(request.fields.get("text", ""), buttons))
        return found


class SlackCustomer(Customer):
    @property
    def channel_id(self) -> str:
        return f"D{self.user}"  # a direct-message channel of its own per customer

    @property
    def conversation_id(self) -> str:
        return f"{self.channel_id}:U{self.user}"

    def signed(
        self, body: bytes, extra: dict[str, str] | None = None, stamp: int | None = None
    ) -> dict[str, str]:
        timestamp = str(stamp or int(time.time()))
        return {
            "Content-Type": "application/json",
            **(extra or {}),
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": slack_signature(self.secret, timestamp, body),
        }

    def message_body(self, text: str, event_id: str) -> tuple[bytes, dict[str, str]]:
        event = {
            "type": "message",
            "user": f"U{self.user}",
            "text": text,
            "channel": self.channel_id,
            "ts": f"{time.time():.6f}",
            "channel_type": "im",
        }
        body = {"type": "event_callback", "event_id": f"Ev{event_id}", "event": event, "team_id": "T1"}
        return json.dumps(body).encode(), {}

    def send_file(self, url: str, name: str, mimetype: str, size: int, text: str = "") -> httpx.Response:
        body = json.loads(self.message_body(text, str(next(_ids)))[0])
        body["event"]["subtype"] = "file_share"
        body["event"]["files"] = [
            {"id": "F1", "name": name, "mimetype": mimetype, "size": size, "url_private": url}
        ]
        raw = json.dumps(body).encode()
        return self.post(raw, self.signed(raw))

    def press_body(self, sent: Sent, event_id: str) -> tuple[bytes, dict[str, str]]:
        payload = {
            "type": "block_actions",
            "user": {"id": f"U{self.user}"},
            "channel": {"id": self.channel_id},
            "container": {"type": "message"},
            "trigger_id": event_id,
            "actions": [{"action_id": "choice_1", "value": sent.buttons[0]["value"], "action_ts": event_id}],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return body, {"Content-Type": "application/x-www-form-urlencoded"}

    def sent(self) -> list[Sent]:
        found = []
        for request in self.fake.to(self.channel_id):
            blocks = request.fields.get("blocks") or []
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            text = "\n".join(b["text"]["text"] for b in blocks if b.get("type") == "section")
            buttons = [
                {"title": e["text"]["text"], "value": e["value"]}
                for b in blocks
                if b.get("type") == "actions"
                for e in b["elements"]
            ]
            found.append(Sent(text, buttons))
        return found


class TwilioCustomer(Customer):
    prefix: str = ""

    @property
    def conversation_id(self) -> str:
        return f"{self.prefix}+1555{self.user[-7:]}"

    def signed(self, body: bytes, extra: dict[str, str] | None = None) -> dict[str, str]:
        fields = dict(item.split("=", 1) for item in body.decode().split("&")) if body else {}
        from urllib.parse import unquote_plus

        fields = {unquote_plus(k): unquote_plus(v) for k, v in fields.items()}
        signature = RequestValidator(self.secret).compute_signature(self.url, fields)
        return {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}

    def message_body(self, text: str, event_id: str) -> tuple[bytes, dict[str, str]]:
        fields = {
            "MessageSid": f"SM{event_id}",
            "AccountSid": "AC1",
            "From": self.conversation_id,
            "To": "unused",
            "Body": text,
            "NumMedia": "0",
        }
        if self.prefix:
            fields["ProfileName"] = "Ana Lopez"
        return urlencode(fields).encode(), {}

    def send_media(self, url: str, content_type: str) -> httpx.Response:
        fields = {
            "MessageSid": f"MM{next(_ids)}",
            "AccountSid": "AC1",
            "From": self.conversation_id,
            "To": "unused",
            "Body": "",
            "NumMedia": "1",
            "MediaUrl0": url,
            "MediaContentType0": content_type,
        }
        body = urlencode(fields).encode()
        return self.post(body, self.signed(body))

    def press_body(self, sent: Sent, event_id: str) -> tuple[bytes, dict[str, str]]:
        return self.message_body("1", event_id)

    def sent(self) -> list[Sent]:
        found = []
        for request in self.fake.to(self.conversation_id):
            body = request.fields.get("Body", "")
            options = [
                line.split(". ", 1)[1] for line in body.splitlines() if line[:1].isdigit() and ". " in line
            ]
            found.append(
                Sent(body, [{"title": title, "value": str(n)} for n, title in enumerate(options, 1)])
            )
        return found


class WhatsAppCustomer(TwilioCustomer):
    prefix = "whatsapp:"


class MessengerCustomer(Customer):
    def signed(self, body: bytes, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": messenger_signature(self.secret, body),
        }

    def _batch(self, messaging: list[dict[str, Any]]) -> bytes:
        return json.dumps(
            {"object": "page", "entry": [{"id": "PAGE", "time": 0, "messaging": messaging}]}
        ).encode()

    def message_body(self, text: str, event_id: str) -> tuple[bytes, dict[str, str]]:
        event = {
            "sender": {"id": self.user},
            "recipient": {"id": "PAGE"},
            "timestamp": 0,
            "message": {"mid": f"m_{event_id}", "text": text},
        }
        return self._batch([event]), {}

    def send_image(self, url: str) -> httpx.Response:
        event = {
            "sender": {"id": self.user},
            "recipient": {"id": "PAGE"},
            "timestamp": 0,
            "message": {
                "mid": f"m_{next(_ids)}",
                "attachments": [{"type": "image", "payload": {"url": url}}],
            },
        }
        body = self._batch([event])
        return self.post(body, self.signed(body))

    def press_body(self, sent: Sent, event_id: str) -> tuple[bytes, dict[str, str]]:
        first = sent.buttons[0]
        event = {
            "sender": {"id": self.user},
            "recipient": {"id": "PAGE"},
            "timestamp": 0,
            "message": {
                "mid": f"m_{event_id}",
                "text": first["title"],
                "quick_reply": {"payload": first["value"]},
            },
        }
        return self._batch([event]), {}

    def sent(self) -> list[Sent]:
        found = []
        for request in self.fake.to(self.user):
            if "message" not in request.fields:
                continue  # sender actions (typing_on)
            message = request.fields["message"]
            buttons = [
                {"title": q["title"], "value": q["payload"]} for q in message.get("quick_replies") or []
            ]
            found.append(Sent(message.get("text", ""), buttons))
        return found
