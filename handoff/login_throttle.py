"""Five wrong passwords in 15 minutes for one user name, or from one client address, lock it for 15 minutes.

Kept in the handoff database, so every handoff process behind HAProxy counts the same failures and honours
the same locks (an attacker gets five tries in all, not five per process). The client address is the one
`handoff.client_address` trusts. Wall-clock seconds, since the processes share them."""

from __future__ import annotations

import time

from handoff.database import Database

MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


def _keys(username: str, address: str) -> tuple[str, str]:
    return f"user:{username.lower()}", f"addr:{address}"


class LoginThrottle:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def locked_for(self, username: str, address: str, now: float | None = None) -> float:
        """Seconds until a login may be tried again (0: now)."""
        now = time.time() if now is None else now
        row = await self._db.fetchrow(
            "SELECT MAX(locked_until) FROM login_locks WHERE who IN (?, ?)", _keys(username, address)
        )
        return max(0.0, float(row[0]) - now) if row is not None and row[0] is not None else 0.0

    async def failed(self, username: str, address: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM login_failures WHERE at < ?", (now - FAILURE_WINDOW_SECONDS,))
            await tx.execute("DELETE FROM login_locks WHERE locked_until < ?", (now,))
            for key in _keys(username, address):
                await tx.execute("INSERT INTO login_failures (who, at) VALUES (?, ?)", (key, now))
                row = await tx.fetchrow("SELECT COUNT(*) FROM login_failures WHERE who = ?", (key,))
                if row is not None and int(row[0]) >= MAX_FAILURES:
                    await tx.execute(
                        "INSERT INTO login_locks (who, locked_until) VALUES (?, ?) ON CONFLICT (who)"
                        " DO UPDATE SET locked_until = excluded.locked_until",
                        (key, now + LOCKOUT_SECONDS),
                    )
                    await tx.execute("DELETE FROM login_failures WHERE who = ?", (key,))

    async def succeeded(self, username: str) -> None:
        await self._db.execute("DELETE FROM login_failures WHERE who = ?", (_keys(username, "")[0],))
