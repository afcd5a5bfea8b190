"""Which agents have a console open: the base of "agents online" (queue estimates, staffed or not).

One process: its own open websockets. Several: handoff/redis_presence.py."""

from __future__ import annotations

from abc import ABC, abstractmethod

from handoff.hub import Hub


class Presence(ABC):
    @abstractmethod
    async def connected(self, key: str, user_id: int) -> None:
        """A console of `user_id` opened (key: unique per console). Never raises: a failure is retried."""

    @abstractmethod
    async def disconnected(self, key: str) -> None: ...

    @abstractmethod
    async def online_user_ids(self) -> set[int]:
        """Agents with at least one console open on any process (LiveStateUnavailable if unknown)."""

    @abstractmethod
    async def close(self) -> None:
        """Forget this process's consoles (shutdown)."""


class LocalPresence(Presence):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    async def connected(self, key: str, user_id: int) -> None:
        pass  # the hub's connection set is the record

    async def disconnected(self, key: str) -> None:
        pass

    async def online_user_ids(self) -> set[int]:
        return self._hub.online_user_ids()

    async def close(self) -> None:
        pass
