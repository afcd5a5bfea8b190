"""A Redis lock store whose tickets are atomic across Rasa instances, with leases that a live holder renews.

Rasa 3.6's ``RedisLockStore`` keeps a conversation's ticket queue as one JSON value that every instance
reads, changes and writes back (issue, poll, finish): two instances that do it at the same moment overwrite
each other, two messages of one conversation are then handled at once, and ``SQLTrackerStore.save`` drops
the events of one of them. Here every change is one Lua script, which Redis runs atomically:

- a ticket number comes from ``INCR`` on the conversation's counter, so tickets are issued in the order the
  requests reach Redis (FIFO), whichever instance asks;
- the queue is a sorted set (score = ticket number); the lowest live ticket holds the lock;
- each ticket has a lease (``LOCK_LEASE_SECONDS``, default 20 s) measured on Redis's clock, so the
  instances' clocks do not matter. A waiting instance renews its ticket at every poll, the holder renews
  it every lease/4 in the background. An instance that dies (kill -9, power loss) stops renewing: its
  tickets lapse after at most one lease and the next message of that conversation goes ahead. A live but
  stalled instance (event loop blocked for longer than the lease) loses its lock; that is logged as an
  error, since then two turns may overlap.
- the message next in line polls every ``LOCK_POLL_SECONDS`` (default 0.05 s; Rasa polls once a second),
  one n places back n times less often (at most 8 x). One poll is one O(log n) script, so this costs
  Redis little, and a queued message starts at most 50 ms after the one before it finished.
- a message that waited ``LOCK_WAIT_SECONDS`` (default 60 s) gives up with ``LockError``; the channel's
  failsafe then tells the customer to try again.

``ConfiguredLockStore`` is what ``bot/endpoints.yml`` names: Redis when ``REDIS_URL`` is set, else Rasa's
in-process lock store (one instance, ``make run``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 20.0
DEFAULT_POLL_SECONDS = 0.05
DEFAULT_WAIT_SECONDS = 60.0
KEY_PREFIX = "assistant:lock:"
# The counter outlives the queue by far, so a ticket number is never issued twice to live instances.
COUNTER_TTL_MS = 24 * 3600 * 1000
REDIS_TIMEOUT_SECONDS = 2.0
# A message n places back polls n times less often, at most this many times (8 x 0.05 s = 0.4 s).
MAX_POLL_FACTOR = 8

# KEYS: counter, queue (sorted set ticket -> number), leases (hash ticket -> expiry ms). ARGV: lease ms.
_ISSUE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local number = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], number, number)
redis.call('HSET', KEYS[3], number, now_ms + tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[3], 2 * tonumber(ARGV[1]))
return number
"""

# Drop lapsed tickets at the head of the queue (those behind it do not matter until they get there), then
# renew ARGV[1]'s lease and answer how many live tickets are ahead of it (-1: it lapsed). O(log n).
_POLL = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local mine = redis.call('HGET', KEYS[3], ARGV[1])
if (not mine) or tonumber(mine) < now_ms then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  return -1
end
while true do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if (not head) or head == ARGV[1] then break end
  local expiry = tonumber(redis.call('HGET', KEYS[3], head) or '0')
  if expiry >= now_ms then break end
  redis.call('ZREM', KEYS[2], head)
  redis.call('HDEL', KEYS[3], head)
end
redis.call('HSET', KEYS[3], ARGV[1], now_ms + tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[3], 2 * tonumber(ARGV[2]))
return redis.call('ZRANK', KEYS[2], ARGV[1]) or -1
"""

_RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('ZCARD', KEYS[2])
"""

# Every live ticket with its lease expiry, in queue order (for get_lock and inspection).
_QUEUE = """
local numbers = redis.call('ZRANGE', KEYS[2], 0, -1)
local result = {}
for i, number in ipairs(numbers) do
  result[#result + 1] = number
  result[#result + 1] = redis.call('HGET', KEYS[3], number) or '0'
end
return result
"""


def _seconds_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ValueError(f"{name} must be more than 0 seconds, got {raw!r}")
    return value


class AtomicRedisLockStore(RedisLockStore):
    """Ticket locks in Redis that stay correct with any number of Rasa instances (see module doc)."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        url: str | None = None,
        lease_seconds: float | None = None,
        poll_seconds: float | None = None,
        wait_seconds: float | None = None,
    ) -> None:
        settings: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        url = url or (endpoint_config.url if endpoint_config else None) or os.environ.get("REDIS_URL", "")
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"The lock store needs a Redis URL like redis://host:6379/0 (REDIS_URL), got {url!r}"
            )
        self.lease_seconds = float(
            lease_seconds
            or settings.get("lease_seconds")
            or _seconds_from_env("LOCK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
        )
        self.poll_seconds = float(
            poll_seconds
            or settings.get("poll_seconds")
            or _seconds_from_env("LOCK_POLL_SECONDS", DEFAULT_POLL_SECONDS)
        )
        self.wait_seconds = float(
            wait_seconds
            or settings.get("wait_seconds")
            or _seconds_from_env("LOCK_WAIT_SECONDS", DEFAULT_WAIT_SECONDS)
        )
        # Not RedisLockStore.__init__: it takes host/port pieces; a URL is what operators have.
        self.red = redis.StrictRedis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        self.key_prefix = KEY_PREFIX
        self._issue = self.red.register_script(_ISSUE)
        self._poll = self.red.register_script(_POLL)
        self._release = self.red.register_script(_RELEASE)
        self._queue = self.red.register_script(_QUEUE)
        LockStore.__init__(self)

    @property
    def _lease_ms(self) -> int:
        return int(self.lease_seconds * 1000)

    def _keys(self, conversation_id: str) -> list[str]:
        # One hash tag per conversation: the three keys stay in one slot on a Redis Cluster too.
        base = f"{self.key_prefix}{{{conversation_id}}}"
        return [f"{base}:counter", f"{base}:queue", f"{base}:leases"]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a new ticket for the conversation, atomically; ``lock_lifetime`` is replaced by the lease."""
        try:
            return int(self._issue(keys=self._keys(conversation_id), args=[self._lease_ms, COUNTER_TTL_MS]))
        except redis.RedisError as error:
            raise LockError(f"Redis lock store unreachable: {type(error).__name__}: {error}") from error

    def _rank(self, conversation_id: str, ticket: int) -> int:
        """Live tickets ahead of ``ticket`` (0: it holds the lock; -1: it lapsed); renews its lease."""
        return int(self._poll(keys=self._keys(conversation_id), args=[ticket, self._lease_ms]))

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                rank = self._rank(conversation_id, ticket)
            except redis.RedisError as error:
                raise LockError(f"Redis lock store unreachable: {type(error).__name__}: {error}") from error
            if rank == 0:
                expires = time.time() + self.lease_seconds
                return TicketLock(conversation_id, deque([Ticket(ticket, expires)]))
            if rank < 0:
                raise LockError(
                    f"The lock ticket {ticket} of conversation '{conversation_id}' lapsed while waiting."
                )
            if time.monotonic() > deadline:
                raise LockError(
                    f"Waited {self.wait_seconds:.0f} s for the lock of conversation '{conversation_id}' "
                    f"({rank} message(s) ahead)."
                )
            # Next in line polls fast; those further back need not (their lease is renewed either way).
            await asyncio.sleep(self.poll_seconds * min(rank, MAX_POLL_FACTOR))

    async def _keep_alive(self, conversation_id: str, ticket: int) -> None:
        """Renew the holder's lease until cancelled; say so loudly if it lapsed anyway."""
        while True:
            await asyncio.sleep(self.lease_seconds / 4)
            try:
                rank = self._rank(conversation_id, ticket)
            except redis.RedisError as error:
                log.warning("conversation %s: could not renew its lock: %s", conversation_id, error)
                continue
            if rank != 0:
                log.error(
                    "conversation %s: its lock lapsed while this instance held it (event loop blocked for "
                    "more than %s s?); another instance may handle the next message at the same time",
                    conversation_id,
                    self.lease_seconds,
                )
                return

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock: wait for our turn (FIFO), renew the lease while held."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            held = await self._acquire_lock(conversation_id, ticket, self.poll_seconds)
            renewal = asyncio.create_task(self._keep_alive(conversation_id, ticket))
            try:
                yield held
            finally:
                renewal.cancel()
        finally:
            self.cleanup(conversation_id, ticket)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the lock to the next ticket. If Redis is unreachable, the lease runs out on its own."""
        try:
            self._release(keys=self._keys(conversation_id), args=[ticket_number])
        except redis.RedisError as error:
            log.warning(
                "conversation %s: could not release its lock (%s); it frees itself within %s s",
                conversation_id,
                error,
                self.lease_seconds,
            )

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The conversation's live tickets, in queue order (None when nobody holds or waits)."""
        flat = self._queue(keys=self._keys(conversation_id))
        if not flat:
            return None
        tickets = deque(Ticket(int(flat[i]), float(flat[i + 1]) / 1000) for i in range(0, len(flat), 2))
        return TicketLock(conversation_id, tickets)

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return self.get_lock(conversation_id) is not None

    def update_lock(self, conversation_id: str) -> None:
        """Lapsed tickets are dropped by every poll; nothing to write back."""

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("tickets change only through the atomic scripts (issue, poll, release)")

    def delete_lock(self, conversation_id: str) -> None:
        self.red.delete(*self._keys(conversation_id))


class ConfiguredLockStore:
    """The lock store the environment asks for: ``AtomicRedisLockStore`` when ``REDIS_URL`` is set, else
    Rasa's in-process ``InMemoryLockStore`` (right for exactly one Rasa instance).

    Rasa builds a custom lock store as ``cls(endpoint_config=...)``; this class answers with the store."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("REDIS_URL", "").strip()
        if not url:
            log.info("REDIS_URL not set: conversation locks are kept in this process (one Rasa instance)")
            return InMemoryLockStore()
        store = AtomicRedisLockStore(endpoint_config, url=url)
        log.info(
            "Conversation locks in Redis (lease %s s, poll %s s)", store.lease_seconds, store.poll_seconds
        )
        return store
