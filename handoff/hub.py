"""Live updates for agent consoles: a registry of open websockets, removed in `finally`."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, web

from handoff.routing import serves
from handoff.users import Agent

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    agent: Agent

    @property
    def user_id(self) -> int:
        return self.agent.id


@dataclass
class Hub:
    connections: set[Connection] = field(default_factory=set)

    def add(self, connection: Connection) -> None:
        self.connections.add(connection)

    def remove(self, connection: Connection) -> None:
        self.connections.discard(connection)

    def online_user_ids(self) -> set[int]:
        return {c.user_id for c in self.connections}

    async def broadcast(
        self, event: dict[str, Any], *, queue: str | None = None, user_id: int | None = None
    ) -> None:
        """Send one event to every open console (or those working `queue`, or one agent's consoles).

        A dead socket is dropped, never fatal."""
        targets = [
            c
            for c in self.connections
            if (queue is None or serves(c.agent, queue)) and (user_id is None or c.user_id == user_id)
        ]
        results = await asyncio.gather(*(c.ws.send_json(event) for c in targets), return_exceptions=True)
        for connection, result in zip(targets, results, strict=True):
            if isinstance(result, Exception):
                log.info("dropping console socket of user %s: %s", connection.user_id, type(result).__name__)
                self.connections.discard(connection)

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
        self.connections.clear()
