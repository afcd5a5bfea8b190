"""Conversation locks whose tickets live as long as their owner does: leases, renewed while the owner waits
or holds the lock, with a limit on how long one turn may hold it.

Rasa's own tickets expire ``TICKET_LOCK_LIFETIME`` (60 s) after they are issued, time spent waiting in the
queue included. A message queued behind a slow turn then either starts while that turn still runs (both
are answered, and the tracker store's save keeps only one of them) or finds its own ticket expired and is
not handled at all. Here a ticket has a lease instead, which its owner renews:

- a waiting message renews its ticket at every poll (the next one in line polls every ``poll_seconds``,
  one n places back n times less often, at most :data:`MAX_POLL_FACTOR` times), so it is never expired
  for waiting, however long the turns ahead of it take;
- the message holding the lock renews it every lease/4 in the background while its turn runs, so the next
  one never starts alongside it;
- a ticket whose owner went away without giving it back (a dead instance, a task that vanished) is no
  longer renewed: it lapses after at most one lease and the queue moves on;
- a turn that really hangs (an await that never returns) must not block its conversation for ever: the
  holder renews its lease only up to ``max_hold_seconds`` (``LOCK_MAX_HOLD_SECONDS``, default
  :data:`DEFAULT_MAX_HOLD_SECONDS`, 300 s) after it reached the front of the queue, then the lock goes to
  the next message and an error is logged. A turn legitimately takes far less: Rasa runs at most 10
  actions per message (``MAX_NUMBER_OF_PREDICTIONS``) and each action call gives up after 7 s
  (``ACTION_TIMEOUT_SECONDS``, bot/channels/failsafe.py), about 70 s in the worst case; 300 s is four
  times that, and a conversation stuck that long recovers within minutes;
- a message gives up waiting only after ``wait_seconds`` (None: never; every turn ahead of it ends within
  ``max_hold_seconds`` anyway); it then raises ``LockError`` and the channel's failsafe asks the customer
  to send it again.

:class:`LeasedLockStore` is that protocol, written once; where the tickets are kept is a subclass's:
``bot/scale/lock_store.py`` has them in Redis (several Rasa instances) and in this process (one instance).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from contextlib import asynccontextmanager

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 0.05
DEFAULT_MAX_HOLD_SECONDS = 300.0
# A message n places back polls n times less often, at most this many times (8 x 0.05 s = 0.4 s).
MAX_POLL_FACTOR = 8
LAPSED = -1
"""What :meth:`LeasedLockStore._renew` answers for a ticket that is no longer in the queue."""


def seconds_from_env(name: str, default: float) -> float:
    """A positive number of seconds from the environment, ``default`` when unset; a clear error otherwise."""
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


class LeasedLockStore(LockStore):
    """FIFO ticket locks with leases their owners renew (see module doc). Subclasses keep the tickets:
    :meth:`_take_ticket`, :meth:`_renew`, :meth:`_give_back`, :meth:`_live_tickets`, ``delete_lock``.
    They raise ``LockError`` when their storage cannot be reached."""

    def __init__(
        self,
        *,
        lease_seconds: float,
        poll_seconds: float | None = None,
        wait_seconds: float | None = None,
        max_hold_seconds: float | None = None,
    ) -> None:
        self.lease_seconds = float(lease_seconds)
        self.poll_seconds = float(poll_seconds or seconds_from_env("LOCK_POLL_SECONDS", DEFAULT_POLL_SECONDS))
        self.wait_seconds = None if wait_seconds is None else float(wait_seconds)
        self.max_hold_seconds = float(
            max_hold_seconds or seconds_from_env("LOCK_MAX_HOLD_SECONDS", DEFAULT_MAX_HOLD_SECONDS)
        )
        LockStore.__init__(self)

    # Where the tickets are kept.

    def _take_ticket(self, conversation_id: str, lease_seconds: float) -> int:
        """Queue a new ticket with a lease of ``lease_seconds``; its number (higher than any before)."""
        raise NotImplementedError

    def _renew(self, conversation_id: str, ticket: int, lease_seconds: float) -> int:
        """Drop lapsed tickets at the head of the queue, then give ``ticket`` a lease of ``lease_seconds``
        from now and answer how many live tickets are ahead of it (0: it holds the lock), or
        :data:`LAPSED` if it is no longer in the queue (or its own lease ran out)."""
        raise NotImplementedError

    def _give_back(self, conversation_id: str, ticket: int) -> None:
        """Take ``ticket`` out of the queue (the next one holds the lock)."""
        raise NotImplementedError

    def _live_tickets(self, conversation_id: str) -> Sequence[tuple[int, float]]:
        """(ticket number, lease expiry as a Unix time) of the queue's tickets, in queue order."""
        raise NotImplementedError

    # The protocol.

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a new ticket for the conversation; ``lock_lifetime`` is replaced by the renewed lease."""
        return self._take_ticket(conversation_id, self.lease_seconds)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        started = time.monotonic()
        while True:
            rank = self._renew(conversation_id, ticket, self.lease_seconds)
            if rank == 0:
                expires = time.time() + self.lease_seconds
                return TicketLock(conversation_id, deque([Ticket(ticket, expires)]))
            if rank < 0:
                raise LockError(
                    f"The lock ticket {ticket} of conversation '{conversation_id}' lapsed while waiting."
                )
            if self.wait_seconds is not None and time.monotonic() - started > self.wait_seconds:
                raise LockError(
                    f"Waited {self.wait_seconds:.0f} s for the lock of conversation '{conversation_id}' "
                    f"({rank} message(s) ahead)."
                )
            # Next in line polls fast; those further back need not (their lease is renewed either way).
            await asyncio.sleep(self.poll_seconds * min(rank, MAX_POLL_FACTOR))

    async def _keep_alive(self, conversation_id: str, ticket: int, held_since: float) -> None:
        """Renew the holder's lease until cancelled, up to ``max_hold_seconds`` after ``held_since``
        (``time.monotonic()``); say so loudly when the lock is lost either way."""
        hold_until = held_since + self.max_hold_seconds
        while True:
            await asyncio.sleep(self.lease_seconds / 4)
            left = hold_until - time.monotonic()
            if left <= 0:
                log.error(
                    "conversation %s: one turn has held its lock for %s s (stuck?); the next message of the "
                    "conversation goes ahead, and may run at the same time if this turn ever carries on",
                    conversation_id,
                    self.max_hold_seconds,
                )
                return
            try:
                # The last renewals end the lease exactly at hold_until, not up to one lease later.
                rank = self._renew(conversation_id, ticket, min(self.lease_seconds, left))
            except LockError as error:
                log.warning("conversation %s: could not renew its lock: %s", conversation_id, error)
                continue
            if rank != 0:
                log.error(
                    "conversation %s: its lock lapsed while this turn held it (event loop blocked for "
                    "more than %s s?); the next message may be handled at the same time",
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
            renewal = asyncio.create_task(self._keep_alive(conversation_id, ticket, time.monotonic()))
            try:
                yield held
            finally:
                renewal.cancel()
        finally:
            self.cleanup(conversation_id, ticket)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the lock to the next ticket. If the storage is unreachable, the lease runs out on its own."""
        try:
            self._give_back(conversation_id, ticket_number)
        except LockError as error:
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
        tickets = self._live_tickets(conversation_id)
        if not tickets:
            return None
        return TicketLock(conversation_id, deque(Ticket(number, expires) for number, expires in tickets))

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return self.get_lock(conversation_id) is not None

    def update_lock(self, conversation_id: str) -> None:
        """Lapsed tickets are dropped by every poll; nothing to write back."""

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("tickets change only through take, renew and give back")
