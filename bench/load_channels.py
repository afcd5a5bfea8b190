"""How a simulated customer of `bench/load.py` talks to Rasa: the REST webhook or the website chat (socket.io).

`say` sends one message and returns when the reply is complete, with the bot's messages. REST answers in the
response. Socket.io pushes each bot message as it is produced, so the reply counts as complete when no
further message came for `SOCKETIO_QUIET_SECONDS` after the last one; its latency is taken at the last
message (like REST's whole response), not at the end of the quiet wait. A message that arrives after a
turn was closed is counted as late (the quiet wait was too short for it).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

SOCKETIO_QUIET_SECONDS = 0.5
CONNECT_TIMEOUT_SECONDS = 30.0


class NoReply(Exception):
    """The bot sent nothing within the turn timeout."""


@dataclass
class Reply:
    messages: list[dict[str, Any]]
    latency_ms: float


class Channel(Protocol):
    name: str
    sender: str

    async def open(self, sender: str) -> None: ...

    async def say(self, text: str, timeout: float) -> Reply: ...

    async def close(self) -> None: ...


class RestChannel:
    name = "rest"

    def __init__(self, http: aiohttp.ClientSession, rasa_url: str) -> None:
        self.http = http
        self.url = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"
        self.sender = ""

    async def open(self, sender: str) -> None:
        self.sender = sender

    async def say(self, text: str, timeout: float) -> Reply:
        started = time.perf_counter()
        async with self.http.post(
            self.url,
            json={"sender": self.sender, "message": text},
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {(await response.text())[:200]}")
            messages: list[dict[str, Any]] = await response.json()
        latency = (time.perf_counter() - started) * 1000
        if not messages:
            raise NoReply("empty reply")
        return Reply(messages, latency)

    async def close(self) -> None:
        return None


@dataclass
class SocketIOChannel:
    """One website-chat socket per simulated customer; each new conversation asks for a new session."""

    rasa_url: str
    name: str = "socketio"
    sender: str = ""
    late_messages: int = 0
    _client: Any = None
    _inbox: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _confirmed: asyncio.Event = field(default_factory=asyncio.Event)
    _in_turn: bool = False

    async def _on_bot(self, data: Any) -> None:
        if not self._in_turn:
            self.late_messages += 1
            return
        self._inbox.append((time.perf_counter(), data if isinstance(data, dict) else {"text": str(data)}))
        self._arrived.set()

    async def _on_confirm(self, data: Any) -> None:
        self._confirmed.set()

    async def open(self, sender: str) -> None:
        import socketio

        if self._client is None:
            client = socketio.AsyncClient(reconnection=False)
            client.on("bot_uttered", self._on_bot)
            client.on("session_confirm", self._on_confirm)
            try:  # a busy server may take more than the client's default 1 s to accept the namespace
                await client.connect(
                    self.rasa_url,
                    socketio_path="/socket.io",
                    transports=["websocket"],
                    wait_timeout=CONNECT_TIMEOUT_SECONDS,
                )
            except BaseException:
                await client.disconnect()
                raise
            self._client = client
        self.sender = sender
        self._confirmed.clear()
        await self._client.emit("session_request", {"session_id": sender})
        await asyncio.wait_for(self._confirmed.wait(), timeout=CONNECT_TIMEOUT_SECONDS)

    async def say(self, text: str, timeout: float) -> Reply:
        self._inbox.clear()
        self._arrived.clear()
        self._in_turn = True
        started = time.perf_counter()
        try:
            await self._client.emit("user_uttered", {"message": text, "session_id": self.sender})
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout=timeout)
            except asyncio.TimeoutError:
                raise NoReply(f"no bot_uttered within {timeout:.0f} s") from None
            while True:  # the reply is complete when the bot has been quiet for a moment
                self._arrived.clear()
                try:
                    await asyncio.wait_for(self._arrived.wait(), timeout=SOCKETIO_QUIET_SECONDS)
                except asyncio.TimeoutError:
                    break
        finally:
            self._in_turn = False
        last_at = self._inbox[-1][0]
        return Reply([message for _, message in self._inbox], (last_at - started) * 1000)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.disconnect()
            self._client = None
