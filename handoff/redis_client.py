"""The Redis connection of a handoff process (HANDOFF_REDIS_URL) and what its failures mean to us."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from handoff.errors import LiveStateUnavailable


def redis_client(url: str, timeout: float, *, retries: int = 1) -> aioredis.Redis:
    """`retries`: reconnect at once this many times when a pooled connection turns out dead (after a Redis
    restart each stale connection would otherwise fail one request). The relay's subscriber uses 0: a
    silent reconnect would hide the events lost in the gap, so it must see every break."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), retries),
        health_check_interval=5,
    )


@contextlib.contextmanager
def redis_errors() -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError, TimeoutError) as exc:
        raise LiveStateUnavailable(f"Redis did not answer: {type(exc).__name__}") from exc
