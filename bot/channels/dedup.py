"""Remembers recently seen webhook ids, so an app's retry of the same event never gives a second bot turn."""

from __future__ import annotations

import time
from collections import OrderedDict


class RecentIds:
    """Bounded, time-limited set of ids (Slack event_id, Telegram update_id, Twilio MessageSid,
    Messenger mid). Apps retry for minutes to hours, so ids are kept for a day or up to `capacity` ids."""

    def __init__(self, capacity: int = 50_000, ttl_seconds: float = 24 * 3600) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._capacity = capacity
        self._ttl = ttl_seconds

    def first_time(self, key: str, now: float | None = None) -> bool:
        """True the first time `key` is seen (and records it); False for a repeat."""
        moment = time.monotonic() if now is None else now
        while self._seen:
            oldest, seen_at = next(iter(self._seen.items()))
            if moment - seen_at <= self._ttl and len(self._seen) < self._capacity:
                break
            del self._seen[oldest]
        if key in self._seen:
            return False
        self._seen[key] = moment
        return True
