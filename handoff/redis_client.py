"""The Redis connection of a handoff process (HANDOFF_REDIS_URL) and what its failures mean to us."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from handoff.errors import LiveStateUnavailable


def redis_client(url: str, timeout: float) -> aioredis.Redis:
    """No silent retries inside the client: a failure reaches us at once, so the relay knows it may have
    missed events (and tells the consoles) and the API answers 503 instead of hanging."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=5,
    )


@contextlib.contextmanager
def redis_errors() -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError, TimeoutError) as exc:
        raise LiveStateUnavailable(f"Redis did not answer: {type(exc).__name__}") from exc
