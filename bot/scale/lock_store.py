"""The conversation lock stores ``bot/endpoints.yml`` can name: in Redis (several Rasa instances) or in this
process (one instance, ``make run``). Both are :class:`~bot.scale.leased_lock.LeasedLockStore`: FIFO
tickets whose leases their owner renews while it waits and while its turn runs (the lifetimes are
explained there); this module only keeps the tickets.

Redis. Rasa 3.6's ``RedisLockStore`` keeps a conversation's ticket queue as one JSON value that every
instance reads, changes and writes back (issue, poll, finish): two instances that do it at the same moment
overwrite each other, two messages of one conversation are then handled at once, and
``SQLTrackerStore.save`` drops the events of one of them. Here every change is one Lua script, which Redis
runs atomically:

- a ticket number comes from ``INCR`` on the conversation's counter, so tickets are issued in the order the
  requests reach Redis (FIFO), whichever instance asks;
- the queue is a sorted set (score = ticket number); the lowest live ticket holds the lock;
- each ticket has a lease (``LOCK_LEASE_SECONDS``, default 20 s) measured on Redis's clock, so the
  instances' clocks do not matter. An instance that dies (kill -9, power loss) stops renewing: its
  tickets lapse after at most one lease and the next message of that conversation goes ahead. A live but
  stalled instance (event loop blocked for longer than the lease) loses its lock; that is logged as an
  error, since then two turns may overlap.
- the message next in line polls every ``LOCK_POLL_SECONDS`` (default 0.05 s; Rasa polls once a second).
  One poll is one O(log n) script, so this costs Redis little, and a queued message starts at most 50 ms
  after the one before it finished.
- a message that waited ``LOCK_WAIT_SECONDS`` (default 60 s) gives up with ``LockError``; the channel's
  failsafe then tells the customer to try again.

In this process. Rasa's ``InMemoryLockStore`` expires a ticket ``TICKET_LOCK_LIFETIME`` (60 s) after it was
issued, waiting included, so under load a message queued behind a slow turn ran alongside it or was
refused (docs/performance.md). :class:`InProcessLockStore` keeps the same leased queue in a dict: the lease
is ``TICKET_LOCK_LIFETIME`` (Rasa's variable, default 60 s), now counted from the owner's last renewal,
not from the ticket's issue. In one process an owner that is gone has given its ticket back (``finally``),
so the lease only matters for a task that vanished without doing so and for a turn that hangs
(``LOCK_MAX_HOLD_SECONDS``); with a long lease only an event loop stalled for most of a minute (the
holder renews every lease/4) could lose a live turn's lock. A message waits as long as the turns ahead of it take (each ends within
``LOCK_MAX_HOLD_SECONDS``): it is never refused for waiting.

``ConfiguredLockStore`` is what ``bot/endpoints.yml`` names: Redis when ``REDIS_URL`` is set, else the
in-process store.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Sequence
from typing import Any

import redis
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.scale.leased_lock import LAPSED, LeasedLockStore, seconds_from_env

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 20.0
DEFAULT_WAIT_SECONDS = 60.0
KEY_PREFIX = "assistant:lock:"
# The counter outlives the queue by far, so a ticket number is never issued twice to live instances.
COUNTER_TTL_MS = 24 * 3600 * 1000
REDIS_TIMEOUT_SECONDS = 2.0

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
# renew ARGV[1]'s lease by ARGV[2] ms and answer how many live tickets are ahead of it (-1: it lapsed).
# The keys outlive every lease (ARGV[3]: the store's full lease), also when ARGV[2] is a holder's last,
# shortened one. O(log n).
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
redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[3], 2 * tonumber(ARGV[3]))
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


def _unreachable(error: redis.RedisError) -> LockError:
    return LockError(f"Redis lock store unreachable: {type(error).__name__}: {error}")


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class AtomicRedisLockStore(LeasedLockStore, RedisLockStore):
    """Ticket locks in Redis that stay correct with any number of Rasa instances (see module doc)."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        url: str | None = None,
        lease_seconds: float | None = None,
        poll_seconds: float | None = None,
        wait_seconds: float | None = None,
        max_hold_seconds: float | None = None,
    ) -> None:
        settings: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        url = url or (endpoint_config.url if endpoint_config else None) or os.environ.get("REDIS_URL", "")
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"The lock store needs a Redis URL like redis://host:6379/0 (REDIS_URL), got {url!r}"
            )
        LeasedLockStore.__init__(
            self,
            lease_seconds=lease_seconds
            or settings.get("lease_seconds")
            or seconds_from_env("LOCK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS),
            poll_seconds=poll_seconds or settings.get("poll_seconds"),
            wait_seconds=wait_seconds
            or settings.get("wait_seconds")
            or seconds_from_env("LOCK_WAIT_SECONDS", DEFAULT_WAIT_SECONDS),
            max_hold_seconds=max_hold_seconds or settings.get("max_hold_seconds"),
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

    def _keys(self, conversation_id: str) -> list[str]:
        # One hash tag per conversation: the three keys stay in one slot on a Redis Cluster too.
        base = f"{self.key_prefix}{{{conversation_id}}}"
        return [f"{base}:counter", f"{base}:queue", f"{base}:leases"]

    def _take_ticket(self, conversation_id: str, lease_seconds: float) -> int:
        try:
            return int(
                self._issue(keys=self._keys(conversation_id), args=[_ms(lease_seconds), COUNTER_TTL_MS])
            )
        except redis.RedisError as error:
            raise _unreachable(error) from error

    def _renew(self, conversation_id: str, ticket: int, lease_seconds: float) -> int:
        args = [ticket, _ms(lease_seconds), _ms(self.lease_seconds)]
        try:
            return int(self._poll(keys=self._keys(conversation_id), args=args))
        except redis.RedisError as error:
            raise _unreachable(error) from error

    def _give_back(self, conversation_id: str, ticket: int) -> None:
        try:
            self._release(keys=self._keys(conversation_id), args=[ticket])
        except redis.RedisError as error:
            raise _unreachable(error) from error

    def _live_tickets(self, conversation_id: str) -> Sequence[tuple[int, float]]:
        flat = self._queue(keys=self._keys(conversation_id))
        return [(int(flat[i]), float(flat[i + 1]) / 1000) for i in range(0, len(flat), 2)]

    def delete_lock(self, conversation_id: str) -> None:
        self.red.delete(*self._keys(conversation_id))


class InProcessLockStore(LeasedLockStore):
    """Ticket locks in this process's memory, for exactly one Rasa instance (see module doc).

    Each conversation's queue is a dict, ticket number -> lease expiry (``time.monotonic()``), in ticket
    order. Ticket numbers are unique for the life of the store, so a stuck turn that gives its ticket back
    late never takes out a later message's ticket."""

    def __init__(
        self,
        lease_seconds: float | None = None,
        poll_seconds: float | None = None,
        max_hold_seconds: float | None = None,
    ) -> None:
        super().__init__(
            lease_seconds=lease_seconds or LOCK_LIFETIME,
            poll_seconds=poll_seconds,
            wait_seconds=None,
            max_hold_seconds=max_hold_seconds,
        )
        self._queues: dict[str, dict[int, float]] = {}
        self._numbers = itertools.count(1)

    def _take_ticket(self, conversation_id: str, lease_seconds: float) -> int:
        number = next(self._numbers)
        self._queues.setdefault(conversation_id, {})[number] = time.monotonic() + lease_seconds
        return number

    def _renew(self, conversation_id: str, ticket: int, lease_seconds: float) -> int:
        queue = self._queues.get(conversation_id, {})
        now = time.monotonic()
        if queue.get(ticket, 0.0) < now:
            self._give_back(conversation_id, ticket)
            return LAPSED
        for head, expiry in list(queue.items()):
            if head == ticket or expiry >= now:
                break
            del queue[head]
        queue[ticket] = now + lease_seconds
        return list(queue).index(ticket)

    def _give_back(self, conversation_id: str, ticket: int) -> None:
        queue = self._queues.get(conversation_id)
        if queue is None:
            return
        queue.pop(ticket, None)
        if not queue:
            del self._queues[conversation_id]

    def _live_tickets(self, conversation_id: str) -> Sequence[tuple[int, float]]:
        now, wall = time.monotonic(), time.time()
        queue = self._queues.get(conversation_id, {})
        return [(number, wall + expiry - now) for number, expiry in queue.items() if expiry >= now]

    def delete_lock(self, conversation_id: str) -> None:
        self._queues.pop(conversation_id, None)


class ConfiguredLockStore:
    """The lock store the environment asks for: ``AtomicRedisLockStore`` when ``REDIS_URL`` is set, else
    ``InProcessLockStore`` (right for exactly one Rasa instance).

    Rasa builds a custom lock store as ``cls(endpoint_config=...)``; this class answers with the store."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("REDIS_URL", "").strip()
        if not url:
            store: LeasedLockStore = InProcessLockStore()
            log.info(
                "REDIS_URL not set: conversation locks are kept in this process (one Rasa instance; "
                "lease %s s, a turn holds its lock at most %s s)",
                store.lease_seconds,
                store.max_hold_seconds,
            )
            return store
        store = AtomicRedisLockStore(endpoint_config, url=url)
        log.info(
            "Conversation locks in Redis (lease %s s, poll %s s, a turn holds its lock at most %s s)",
            store.lease_seconds,
            store.poll_seconds,
            store.max_hold_seconds,
        )
        return store
