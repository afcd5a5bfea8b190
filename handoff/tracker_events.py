"""Rasa's tracker store `events` table, read and edited directly for export, erasure and retention.

Rasa 3.6 has no call that deletes a conversation, so privacy requests go to its table: a SQLite file (the
single box, `TRACKER_DB` a path), or PostgreSQL (the cluster, `TRACKER_DB` a postgresql:// URL). Both have
Rasa's columns (`id`, `sender_id`, `type_name`, `timestamp`, `data`). SQLite runs in a thread with
`secure_delete`, then VACUUM and a TRUNCATE checkpoint, so no byte of deleted text stays in the file or its
write-ahead log; PostgreSQL deletes the rows for every reader at once (its freed pages are reused later).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import asyncpg

BATCH = 500


class TrackerEvents(Protocol):
    async def has_user(self, channel: str, user_id: str) -> bool:
        """The user id wrote to the assistant as `sender_id` on this channel."""

    async def conversations(self, conversation_ids: list[str]) -> list[dict[str, Any]]:
        """Each conversation's messages, as exported to the customer."""

    async def erase(self, conversation_ids: list[str]) -> int | None:
        """Delete every event of these conversations; None when there is no tracker store to edit."""

    async def purge(self, cutoff: dt.datetime) -> int:
        """Delete conversations whose last event is older than `cutoff`; how many."""


def tracker_events(target: Path | str | None) -> TrackerEvents:
    """The tracker store named by `TRACKER_DB`: a postgresql:// URL, or a SQLite file (missing: nothing)."""
    if isinstance(target, str) and target.startswith(("postgresql://", "postgres://")):
        return PostgresTrackerEvents(target)
    return SqliteTrackerEvents(Path(target) if target else None)


def _when(stamp: Any) -> str | None:
    try:
        return dt.datetime.fromtimestamp(float(stamp), dt.UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _from_channel(data: str | None, channel: str) -> bool:
    return json.loads(data or "{}").get("input_channel") in (channel, None)


def _conversation(conversation_id: str, datas: list[str | None]) -> dict[str, Any]:
    events = [json.loads(d or "{}") for d in datas]
    return {
        "conversation_id": conversation_id,
        "messages": [
            {
                "from": "you" if e.get("event") == "user" else "assistant",
                "text": e.get("text"),
                "time": _when(e.get("timestamp")),
            }
            for e in events
            if e.get("event") in ("user", "bot") and e.get("text")
        ],
    }


class SqliteTrackerEvents:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    @contextlib.contextmanager
    def _open(self) -> Iterator[sqlite3.Connection | None]:
        if self.path is None or not self.path.exists():
            yield None
            return
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA secure_delete = ON")
        try:
            yield conn
        finally:
            conn.close()

    def _has_user(self, channel: str, user_id: str) -> bool:
        with self._open() as tracker:
            if tracker is None:
                return False
            rows = tracker.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (user_id,)
            )
            return any(_from_channel(row[0], channel) for row in rows)

    def _conversations(self, conversation_ids: list[str]) -> list[dict[str, Any]]:
        with self._open() as tracker:
            if tracker is None:
                return []
            return [
                _conversation(
                    cid,
                    [
                        r[0]
                        for r in tracker.execute(
                            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (cid,)
                        )
                    ],
                )
                for cid in conversation_ids
            ]

    def _erase(self, conversation_ids: list[str]) -> int | None:
        with self._open() as tracker:
            if tracker is None or not conversation_ids:
                return None
            marks = ",".join("?" * len(conversation_ids))
            deleted = tracker.execute(
                f"DELETE FROM events WHERE sender_id IN ({marks})", conversation_ids
            ).rowcount
            tracker.commit()
            _compact(tracker)
            return deleted

    def _purge(self, cutoff: dt.datetime) -> int:
        with self._open() as tracker:
            if tracker is None:
                return 0
            old = [
                r[0]
                for r in tracker.execute(
                    "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?",
                    (cutoff.timestamp(),),
                )
            ]
            for start in range(0, len(old), BATCH):
                chunk = old[start : start + BATCH]
                tracker.execute(
                    f"DELETE FROM events WHERE sender_id IN ({','.join('?' * len(chunk))})", chunk
                )
            if old:
                tracker.commit()
                _compact(tracker)
            return len(old)

    async def has_user(self, channel: str, user_id: str) -> bool:
        return await asyncio.to_thread(self._has_user, channel, user_id)

    async def conversations(self, conversation_ids: list[str]) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._conversations, conversation_ids)

    async def erase(self, conversation_ids: list[str]) -> int | None:
        return await asyncio.to_thread(self._erase, conversation_ids)

    async def purge(self, cutoff: dt.datetime) -> int:
        return await asyncio.to_thread(self._purge, cutoff)


def _compact(conn: sqlite3.Connection) -> None:
    """Rebuild the file and empty the write-ahead log, so deleted text is in no free page or WAL frame."""
    conn.execute("VACUUM")
    # Until a checkpoint completes, the old pages are still in the main file. Another connection (Rasa, the
    # running service) can hold it up briefly: retry, then say so.
    for _ in range(50):
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if not busy:
            return
        time.sleep(0.1)
    raise sqlite3.OperationalError("could not checkpoint the write-ahead log: another process holds the DB")


class PostgresTrackerEvents:
    """One short connection per request: privacy work is rare, and Rasa owns the table's schema."""

    def __init__(self, url: str) -> None:
        self.url = url

    @contextlib.asynccontextmanager
    async def _connect(self):  # type: ignore[no-untyped-def]
        conn = await asyncpg.connect(self.url, timeout=10)
        try:
            exists = await conn.fetchval("SELECT to_regclass('public.events') IS NOT NULL")
            yield conn if exists else None
        finally:
            await conn.close()

    async def has_user(self, channel: str, user_id: str) -> bool:
        async with self._connect() as conn:
            if conn is None:
                return False
            rows = await conn.fetch(
                "SELECT data FROM events WHERE sender_id = $1 AND type_name = 'user'", user_id
            )
            return any(_from_channel(r["data"], channel) for r in rows)

    async def conversations(self, conversation_ids: list[str]) -> list[dict[str, Any]]:
        async with self._connect() as conn:
            if conn is None:
                return []
            found = []
            for cid in conversation_ids:
                rows = await conn.fetch("SELECT data FROM events WHERE sender_id = $1 ORDER BY id", cid)
                found.append(_conversation(cid, [r["data"] for r in rows]))
            return found

    async def erase(self, conversation_ids: list[str]) -> int | None:
        async with self._connect() as conn:
            if conn is None or not conversation_ids:
                return None
            status = await conn.execute(
                "DELETE FROM events WHERE sender_id = ANY($1::text[])", conversation_ids
            )
            return int(status.split()[-1])

    async def purge(self, cutoff: dt.datetime) -> int:
        async with self._connect() as conn:
            if conn is None:
                return 0
            async with conn.transaction():
                old = [
                    r["sender_id"]
                    for r in await conn.fetch(
                        "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < $1",
                        cutoff.timestamp(),
                    )
                ]
                for start in range(0, len(old), BATCH):
                    await conn.execute(
                        "DELETE FROM events WHERE sender_id = ANY($1::text[])", old[start : start + BATCH]
                    )
            return len(old)
