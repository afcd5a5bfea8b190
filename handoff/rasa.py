"""The handoff service's calls to the Rasa HTTP API: record and deliver agent messages, pause/resume
the bot, hand back with an external intent, read new customer messages."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.channels.delivery import REASON_MARKER
from handoff.errors import ServiceUnavailable

log = logging.getLogger(__name__)
TYPING_CHANNEL = "socketio"
TYPING_PATH = "/webhooks/socketio/typing"  # served by bot/channels/webchat.py
# Messaging apps with a typing indicator (bot/channels/messaging.py serves /webhooks/<channel>/typing).
TYPING_CHANNELS = frozenset({TYPING_CHANNEL, "telegram", "facebook"})


class NotDelivered(ServiceUnavailable):
    """The customer's messaging app refused the message (bad token, outside its window, opted out)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"not delivered: {reason}")
        self.reason = reason


def delivery_refusal(body: str) -> str | None:
    """The reason a channel gave (bot/channels/delivery.py) inside Rasa's 500 error body, if any."""
    try:
        message = json.loads(body).get("message", "")
    except (ValueError, AttributeError):
        message = body
    _, marker, reason = str(message).partition(REASON_MARKER)
    if not marker:
        return None
    return reason.strip()[:300] or "the app refused the message"


class RasaClient:
    """Thin wrapper over the Rasa server API. Every call has a timeout and raises ServiceUnavailable."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        token: str | None,
        timeout: float,
        channel_token: str | None = None,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._token = token
        self._channel_token = channel_token  # HANDOFF_API_TOKEN: the web chat channel's typing endpoint
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    def _params(self, **extra: str) -> dict[str, str]:
        params = dict(extra)
        if self._token:
            params["token"] = self._token
        return params

    async def _call(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        url = f"{self._base}{path}"
        try:
            async with self._session.request(
                method, url, params=params, json=json, headers=headers, timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    reason = delivery_refusal(await response.text())
                    if reason is not None:
                        raise NotDelivered(reason)
                    raise ServiceUnavailable(f"Rasa answered {response.status} to {method} {path}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ServiceUnavailable(f"Rasa unreachable for {method} {path}: {type(exc).__name__}") from exc

    async def send_bot_message(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> None:
        """Record a message in the tracker as a bot utterance and deliver it on the customer's channel.

        Works on a paused conversation, unlike trigger_intent."""
        event = {"event": "bot", "text": text, "metadata": metadata}
        await self.append_events(conversation_id, [event], deliver=True)

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]], deliver: bool) -> None:
        params = self._params(output_channel="latest", execute_side_effects=str(deliver).lower())
        await self._call("POST", f"/conversations/{_quote(conversation_id)}/tracker/events", params, events)

    async def pause(self, conversation_id: str) -> None:
        await self.append_events(conversation_id, [{"event": "pause"}], deliver=False)

    async def resume(self, conversation_id: str) -> None:
        await self.append_events(conversation_id, [{"event": "resume"}], deliver=False)

    async def trigger_intent(self, conversation_id: str, intent: str, entities: dict[str, Any]) -> None:
        params = self._params(output_channel="latest")
        body = {"name": intent, "entities": entities}
        await self._call("POST", f"/conversations/{_quote(conversation_id)}/trigger_intent", params, body)

    async def send_typing(self, conversation_id: str, channel: str, name: str) -> None:
        """Show "<name> is typing…" (or the app's typing dots) in the customer's chat, where the channel has it:
        the website chat, Telegram and Messenger."""
        if channel not in TYPING_CHANNELS:
            return
        if not self._channel_token:
            raise ServiceUnavailable("no token for the channel typing endpoint")
        body = {"session_id": conversation_id, "name": name, "typing": True}
        headers = {"Authorization": f"Bearer {self._channel_token}"}
        await self._call("POST", f"/webhooks/{channel}/typing", {}, body, headers)

    async def events(self, conversation_id: str) -> list[dict[str, Any]]:
        tracker = await self._call("GET", f"/conversations/{_quote(conversation_id)}/tracker", self._params())
        return list(tracker.get("events") or [])


# Rasa's Sanic (21.12) does not percent-decode path parameters, so characters that are legal in a path
# segment stay as they are: "+15550001111" and "whatsapp:+1..." (Twilio) or "D1:U2" (Slack) must reach Rasa
# literally, or the relay would look up an empty conversation and "deliver" to nobody.
_PATH_SAFE = ":+@!$&'()*,;="


def _quote(value: str) -> str:
    return quote(value, safe=_PATH_SAFE)
