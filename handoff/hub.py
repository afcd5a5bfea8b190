"""Live updates for agent consoles: the open websockets of this process, removed in `finally`.

`broadcast` reaches every console of the desk (or those working a queue, or one agent's); `tell_about`
reaches only the consoles whose agent may see that ticket (its queue's agents, its owner, supervisors), so
customer text never reaches the browser of an agent who could not open the ticket. With one process it
delivers here at once; with several a relay (handoff/relay.py, Redis pub/sub) carries each event to every
process, which delivers it to its own sockets. When the relay was cut off, consoles are told to re-read the
queue (`resync`), so an event lost in the gap is never missed silently."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, web

from handoff.errors import LiveStateUnavailable
from handoff.models import Ticket
from handoff.routing import serves
from handoff.users import Agent

log = logging.getLogger(__name__)
Publish = Callable[[dict[str, Any]], Awaitable[None]]
# What consoles get when updates from other processes may have been lost, and when they flow again.
RELAY_DOWN = {"type": "live_interrupted", "message": "Live updates from the other desks are interrupted."}
RESYNC = {"type": "resync"}


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
    publish: Publish | None = None  # None: this process is the whole desk

    def add(self, connection: Connection) -> None:
        self.connections.add(connection)

    def remove(self, connection: Connection) -> None:
        self.connections.discard(connection)

    def online_user_ids(self) -> set[int]:
        return {c.user_id for c in self.connections}

    async def tell_about(self, ticket: Ticket, event: dict[str, Any]) -> None:
        """An event about a ticket (its messages, notes, files, changes) for the consoles that may see it:
        the same rule as opening it (`routing.can_see`)."""
        await self.broadcast(event, queue=ticket.queue, owner_id=ticket.assigned_agent_id)

    async def broadcast(
        self,
        event: dict[str, Any],
        *,
        queue: str | None = None,
        user_id: int | None = None,
        owner_id: int | None = None,
    ) -> None:
        """Send one event to every open console (or those working `queue` plus the agent `owner_id`, or one
        agent's consoles)."""
        envelope = {"event": event, "queue": queue, "user_id": user_id, "owner_id": owner_id}
        if self.publish is None:
            await self.deliver(envelope)
            return
        try:
            await self.publish(envelope)
        except LiveStateUnavailable as exc:
            # The change is saved; this process's consoles see it now, the others re-read when the relay
            # is back (it sends them `resync`).
            log.warning("console event %s not relayed to other processes: %s", event.get("type"), exc)
            await self.deliver(envelope)

    async def deliver(self, envelope: dict[str, Any]) -> None:
        """Send an event to the matching consoles of this process. A dead socket is dropped, never fatal."""
        event, queue, user_id = envelope["event"], envelope.get("queue"), envelope.get("user_id")
        owner_id = envelope.get("owner_id")
        targets = [
            c
            for c in self.connections
            if (queue is None or serves(c.agent, queue) or c.user_id == owner_id)
            and (user_id is None or c.user_id == user_id)
        ]
        results = await asyncio.gather(*(c.ws.send_json(event) for c in targets), return_exceptions=True)
        for connection, result in zip(targets, results, strict=True):
            if isinstance(result, Exception):
                log.info("dropping console socket of user %s: %s", connection.user_id, type(result).__name__)
                self.connections.discard(connection)

    async def tell_all(self, event: dict[str, Any]) -> None:
        """This process's consoles only (relay down / back)."""
        await self.deliver({"event": event})

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
        self.connections.clear()
