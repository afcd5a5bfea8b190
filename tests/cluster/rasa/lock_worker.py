"""One Rasa-side process taking conversation locks, run in .venv-rasa by test_lock_store.py.

    python -m tests.cluster.rasa.lock_worker REDIS_URL CONVERSATION NAME COUNT [HOLD_SECONDS]

Starts COUNT turns at once, each holding the conversation's lock (bot.scale.lock_store, or Rasa's own
RedisLockStore with LOCK_STORE=stock) for HOLD_SECONDS and writing "enter NAME-i" / "exit NAME-i" to the
Redis list ``trace``, the way two Rasa instances handle messages of one conversation.
"""

from __future__ import annotations

import asyncio
import os
import sys
from urllib.parse import urlsplit

import redis
from rasa.core.lock_store import LockStore, RedisLockStore

from bot.scale.lock_store import AtomicRedisLockStore


def lock_store(url: str) -> LockStore:
    if os.environ.get("LOCK_STORE") == "stock":
        parts = urlsplit(url)
        return RedisLockStore(host=parts.hostname or "127.0.0.1", port=parts.port or 6379, db=0)
    return AtomicRedisLockStore(url=url)


async def turn(store: LockStore, trace: redis.Redis, conversation: str, name: str, hold: float) -> None:
    async with store.lock(conversation):
        trace.rpush("trace", f"enter {name}")
        await asyncio.sleep(hold)
        trace.rpush("trace", f"exit {name}")


async def main(url: str, conversation: str, name: str, count: int, hold: float) -> None:
    store = lock_store(url)
    trace = redis.Redis.from_url(url)
    await asyncio.gather(*(turn(store, trace, conversation, f"{name}-{i:03d}", hold) for i in range(count)))


if __name__ == "__main__":
    url, conversation, name, count = sys.argv[1:5]
    hold = float(sys.argv[5]) if len(sys.argv) > 5 else 0.002
    asyncio.run(main(url, conversation, name, int(count), hold))
