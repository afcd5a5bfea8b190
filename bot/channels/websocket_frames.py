"""Keep every website-chat message that arrives while Rasa is busy (Sanic 21.12 websocket fix).

Sanic 21.12, which Rasa 3.6.21 runs on, hands each chunk of incoming websocket data to
``asyncio.create_task(self.async_data_received(...))`` and keeps no reference to the task. While the previous
frame has not been read yet (the server is busy), that task waits, and a waiting task nobody references can
be garbage-collected: the log says "Task was destroyed but it is pending!" and the customer's message is gone,
with no reply and nothing in the tracker. `bench/load.py` found it: about 1 in 40 website-chat messages under
50 conversations when a customer typed while the bot was still answering (docs/performance.md).

Here the pending tasks are held until done, and each connection's run one after the other, so the frames
also reach socket.io in the order they arrived.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)
# Held here, at module level: while a connection waits for its reader, the protocol object itself may be
# reachable only from its own tasks, so a set on the protocol would be collected along with them.
_PENDING: set[asyncio.Task[None]] = set()
_LAST = "_last_frame_task"


def _keep(protocol: Any, work: Coroutine[Any, Any, None]) -> None:
    previous: asyncio.Task[None] | None = getattr(protocol, _LAST, None)

    async def in_order() -> None:
        if previous is not None and not previous.done():
            await asyncio.wait([previous])  # its failure is its own; this frame still goes on
        await work

    task = asyncio.create_task(in_order())
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)
    setattr(protocol, _LAST, task)


def _data_received(self: Any, data: bytes) -> None:
    self.connection.receive_data(data)
    data_to_send = self.connection.data_to_send()
    events_to_process = self.connection.events_received()
    if len(data_to_send) > 0 or len(events_to_process) > 0:
        _keep(self, self.async_data_received(data_to_send, events_to_process))


def _eof_received(self: Any) -> bool | None:
    self.connection.receive_eof()
    data_to_send = self.connection.data_to_send()
    events_to_process = self.connection.events_received()
    _keep(self, self.async_eof_received(data_to_send, events_to_process))
    return False


def keep_incoming_websocket_frames() -> None:
    """Patch Sanic's websocket protocol in this process (idempotent)."""
    from sanic.server.websockets.impl import WebsocketImplProtocol

    if WebsocketImplProtocol.data_received is _data_received:
        return
    WebsocketImplProtocol.data_received = _data_received
    WebsocketImplProtocol.eof_received = _eof_received
    log.info("Website chat: incoming websocket frames are kept until handled, in order")
