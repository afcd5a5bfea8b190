"""Customers' display names looked up from the app (Slack users.info, Messenger's user profile), cached
per user. A lookup that fails or is slow gives no name; it never holds up the customer's message."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
FOUND_SECONDS = 24 * 3600
MISSING_SECONDS = 10 * 60  # a failed lookup is retried after this, not on every message
LOOKUP_SECONDS = 3.0
MAX_USERS = 10_000
LookUp = Callable[[str], Awaitable[str | None]]


class DisplayNames:
    def __init__(self, look_up: LookUp) -> None:
        self._look_up = look_up
        self._known: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    async def name_of(self, user_id: str) -> str | None:
        now = time.monotonic()
        cached = self._known.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            name = await asyncio.wait_for(self._look_up(user_id), LOOKUP_SECONDS)
        except Exception as exc:  # the app is down, refuses the token, or the user is unknown
            log.info("no display name for %s: %s", user_id, type(exc).__name__)
            name = None
        name = " ".join(name.split())[:200] if isinstance(name, str) and name.strip() else None
        self._known[user_id] = (now + (FOUND_SECONDS if name else MISSING_SECONDS), name)
        self._known.move_to_end(user_id)
        while len(self._known) > MAX_USERS:
            self._known.popitem(last=False)
        return name
