"""A real python-socketio client, talking to Rasa the way the website widget does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import socketio


class WebChat:
    """A real socket.io client, as the website widget talks to Rasa."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.messages: list[dict[str, Any]] = []
        self.typing: list[dict[str, Any]] = []
        self.confirmed = asyncio.Event()
        self.client.on("bot_uttered", self.messages.append)
        self.client.on("agent_typing", self.typing.append)
        self.client.on("session_confirm", lambda _session: self.confirmed.set())

    async def open(self, url: str, session_id: str) -> None:
        await self.client.connect(url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
        await self.client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(self.confirmed.wait(), timeout=30)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                return
            await asyncio.sleep(0.05)

    def agent_texts(self) -> list[str]:
        return [m["text"] for m in self.messages if (m.get("metadata") or {}).get("sender") == "agent"]

    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.messages]
