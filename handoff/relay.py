"""Console events between handoff processes over Redis pub/sub.

Every process publishes what changed and delivers what it receives (its own events too) to its own
consoles. Pub/sub keeps nothing for a subscriber that is cut off, so when the subscription breaks the
consoles of this process are told (`live_interrupted`), and when it is back they re-read the queue
(`resync`): an event lost in the gap is never missed silently."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

from handoff.errors import LiveStateUnavailable
from handoff.hub import RELAY_DOWN, RESYNC
from handoff.redis_client import redis_errors

log = logging.getLogger(__name__)
CHANNEL = "handoff:console-events"
Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class RedisRelay:
    def __init__(
        self, client: aioredis.Redis, subscriber: aioredis.Redis, retry_seconds: float = 1.0
    ) -> None:
        self._redis = client
        self._subscriber = subscriber  # a client that never reconnects silently (redis_client retries=0)
        self._retry = retry_seconds
        self.subscribed = asyncio.Event()
        self._unsent = False  # an event of ours did not reach the other processes

    async def publish(self, envelope: dict[str, Any]) -> None:
        """Raises LiveStateUnavailable when Redis did not take it; the other processes' consoles are then
        told to re-read (`resync`) as soon as this process reaches Redis again."""
        try:
            with redis_errors():
                if self._unsent:
                    await self._redis.publish(CHANNEL, json.dumps({"event": RESYNC}))
                    self._unsent = False
                await self._redis.publish(CHANNEL, json.dumps(envelope))
        except LiveStateUnavailable:
            self._unsent = True
            raise

    async def run(self, deliver: Deliver, tell_all: Deliver) -> None:
        """Forever: subscribe, deliver, and on a break tell the consoles, wait, subscribe again."""
        interrupted = False
        while True:
            pubsub = self._subscriber.pubsub(ignore_subscribe_messages=True)
            try:
                with redis_errors():
                    await pubsub.subscribe(CHANNEL)
                self.subscribed.set()
                if self._unsent:
                    with redis_errors():
                        await self._redis.publish(CHANNEL, json.dumps({"event": RESYNC}))
                    self._unsent = False
                if interrupted:
                    log.info("console events between processes flow again; consoles re-read the queue")
                    await tell_all(RESYNC)
                    interrupted = False
                while True:
                    with redis_errors():
                        message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        await self._deliver(deliver, message["data"])
            except LiveStateUnavailable as exc:
                self.subscribed.clear()
                if not interrupted:
                    log.warning("console events between processes interrupted: %s", exc)
                    await tell_all(RELAY_DOWN)
                    interrupted = True
                await asyncio.sleep(self._retry)
            finally:
                try:
                    await pubsub.aclose()
                except Exception:  # a broken connection may fail to close; it is dropped either way
                    log.debug("pubsub close failed", exc_info=True)

    @staticmethod
    async def _deliver(deliver: Deliver, data: str) -> None:
        try:
            envelope = json.loads(data)
        except ValueError:
            log.warning("ignoring a console event that is not JSON")
            return
        if isinstance(envelope, dict) and isinstance(envelope.get("event"), dict):
            await deliver(envelope)
