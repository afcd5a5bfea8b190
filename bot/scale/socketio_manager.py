"""socket.io across Rasa instances: every emit goes through Redis pub/sub to the instance holding the socket.

Rasa's socket.io channel keeps its sockets and rooms in one process. A customer's socket lives on one
instance, but the reply to an agent message, a typing notice or a message handled by the other instance
is emitted on that other one, which has no such room: the emit is dropped without an error. With
``REDIS_URL`` set, the channel's ``AsyncServer`` gets python-socketio's ``AsyncRedisManager``: an emit is
published on the Redis channel ``SOCKETIO_REDIS_CHANNEL`` (default ``assistant-socketio``) and every
instance delivers it to the sockets it holds.

When Redis cannot be reached, python-socketio logs "giving up" and the message is gone. Here an emit that
no instance received through Redis is delivered to this instance's own sockets, so a customer whose socket
is here still gets the answer (or the failure message) while Redis is down. A socket on another instance
cannot be reached then; the message stays in the tracker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
from collections.abc import AsyncIterator
from typing import Any

from redis.exceptions import RedisError
from socketio import AsyncRedisManager, AsyncServer

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "assistant-socketio"
REDIS_TIMEOUT_SECONDS = 2.0
# python-socketio waits 1, 2, 4 ... up to 60 s between attempts to subscribe again, so after a long Redis
# outage an instance could miss every emit for a minute after Redis is back. Once a second costs nothing.
RESUBSCRIBE_SECONDS = 1.0


class LocalFallbackRedisManager(AsyncRedisManager):
    """``AsyncRedisManager`` whose emits still reach this instance's sockets when Redis is down."""

    async def _publish(self, data: Any) -> int:
        """Publish on the Redis channel (retrying once on a fresh connection); when no instance received
        it (Redis down, or restarted and nobody has subscribed again yet), deliver it to this instance's
        own sockets. Returns how many instances received it through Redis."""
        receivers = 0
        try:
            try:
                receivers = int(await self.redis.publish(self.channel, pickle.dumps(data)))
            except RedisError:
                self._redis_connect()
                receivers = int(await self.redis.publish(self.channel, pickle.dumps(data)))
        except (RedisError, OSError) as error:
            log.warning("socket.io over Redis failed (%s): only this instance's sockets get it", error)
        if receivers == 0 and data.get("method") == "emit":
            await self._handle_emit(data)
        return receivers

    async def _redis_listen_with_retries(self) -> AsyncIterator[Any]:
        """The Redis channel's messages; after a failure, subscribe again every RESUBSCRIBE_SECONDS."""
        connect = False
        while True:
            try:
                if connect:
                    self._redis_connect()
                    await self.pubsub.subscribe(self.channel)
                    log.info("socket.io subscribed to Redis again")
                    connect = False
                async for message in self.pubsub.listen():
                    yield message
            except (RedisError, OSError) as error:
                if not connect:
                    log.warning(
                        "socket.io lost Redis (%s); subscribing again every %s s", error, RESUBSCRIBE_SECONDS
                    )
                connect = True
                await asyncio.sleep(RESUBSCRIBE_SECONDS)


def redis_manager_from_env() -> LocalFallbackRedisManager | None:
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        return None
    channel = os.environ.get("SOCKETIO_REDIS_CHANNEL", "").strip() or DEFAULT_CHANNEL
    # No socket_timeout: the subscriber connection waits for messages without end, and a read timeout
    # would drop it (and the messages published while it reconnects).
    options = {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS}
    return LocalFallbackRedisManager(url, channel=channel, redis_options=options)


def share_through_redis(sio: AsyncServer) -> bool:
    """Give ``sio`` the Redis client manager when ``REDIS_URL`` is set. Call before any socket connects
    (the manager starts listening on the first connection). True if it was set."""
    manager = redis_manager_from_env()
    if manager is None:
        return False
    if sio.manager_initialized:
        raise RuntimeError(
            "the socket.io server already has clients; set its client manager before it starts"
        )
    sio.manager = manager
    manager.set_server(sio)
    log.info(
        "socket.io emits go through Redis channel %r, so every Rasa instance reaches every socket",
        manager.channel,
    )
    return True
