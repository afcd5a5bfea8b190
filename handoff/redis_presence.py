"""Open consoles of every handoff process in one Redis sorted set, each entry expiring by itself.

Member `user_id:process:console`, score = when it expires (Unix time). A live process pushes its consoles'
expiry forward every third of the TTL; a process that died stops doing so, and its agents drop out of
"online" after at most HANDOFF_PRESENCE_TTL_SECONDS. After a Redis restart (memory lost) the next refresh
writes every open console back."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import redis.asyncio as aioredis

from handoff.errors import LiveStateUnavailable
from handoff.presence import Presence
from handoff.redis_client import redis_errors

log = logging.getLogger(__name__)
KEY = "handoff:consoles"


class RedisPresence(Presence):
    def __init__(self, client: aioredis.Redis, ttl_seconds: float) -> None:
        self._redis = client
        self._ttl = ttl_seconds
        self._process = uuid.uuid4().hex[:12]
        self._mine: dict[str, int] = {}  # member -> user id, the consoles open on this process
        self._failing = False

    def _member(self, key: str, user_id: int) -> str:
        return f"{user_id}:{self._process}:{key}"

    async def connected(self, key: str, user_id: int) -> None:
        member = self._member(key, user_id)
        self._mine[member] = user_id
        await self._write({member: time.time() + self._ttl})

    async def disconnected(self, key: str) -> None:
        gone = [m for m in self._mine if m.endswith(f":{key}")]
        for member in gone:
            self._mine.pop(member, None)
        if gone:
            try:
                with redis_errors():
                    await self._redis.zrem(KEY, *gone)
            except LiveStateUnavailable as exc:
                log.info("console close not recorded in Redis (%s); it expires in %.0f s", exc, self._ttl)

    async def online_user_ids(self) -> set[int]:
        now = time.time()
        with redis_errors():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(KEY, "-inf", now)
                pipe.zrangebyscore(KEY, now, "+inf")
                _, members = await pipe.execute()
        return {int(m.split(":", 1)[0]) for m in members if m.split(":", 1)[0].isdigit()}

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            if self._mine:
                expiry = time.time() + self._ttl
                await self._write(dict.fromkeys(self._mine, expiry))

    async def _write(self, members: dict[str, float]) -> None:
        try:
            with redis_errors():
                await self._redis.zadd(KEY, members)
        except LiveStateUnavailable as exc:
            if not self._failing:
                log.warning(
                    "agent presence not written to Redis (%s); retrying every %.0f s", exc, self._ttl / 3
                )
            self._failing = True
            return
        if self._failing:
            log.info("agent presence written to Redis again")
        self._failing = False

    async def close(self) -> None:
        if self._mine:
            try:
                with redis_errors():
                    await self._redis.zrem(KEY, *self._mine)
            except LiveStateUnavailable:
                pass  # they expire
        self._mine.clear()
