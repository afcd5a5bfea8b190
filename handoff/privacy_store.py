"""Everything held about one customer, across the handoff DB and Rasa's SQL tracker store: export,
erasure and retention.

The handoff DB is the service's own (SQLite or PostgreSQL, through handoff/database.py). Rasa 3.6 has no way
to delete a conversation from its tracker store, so its `events` table is edited directly
(handoff/tracker_events.py: a SQLite file, or PostgreSQL when `TRACKER_DB` is a postgresql:// URL). On SQLite, after deleting, `secure_delete` has already zeroed the
freed pages; VACUUM rebuilds the file and a TRUNCATE checkpoint empties the write-ahead log, so the
customer's words are in no byte of any file (tests/handoff/test_privacy_stack.py searches them). On
PostgreSQL the rows are gone for every reader at once and VACUUM reclaims their space later (PostgreSQL gives
no byte-level erasure of freed pages).

Tickets are found by `channel` + `customer_channel_user_id`; conversations by those tickets'
`conversation_id` and by a Rasa `sender_id` equal to the user id whose messages came in on that channel.
Other tables in the handoff DB that carry a `ticket_id` or `conversation_id` column (ratings, requests,
analytics added by other parts) are exported and erased with them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff.database import Database
from handoff.tracker_events import tracker_events

# Tables that hold our own configuration or logs, never customer records.
_NOT_CUSTOMER_TABLES = {
    "schema_version",
    "users",
    "canned_responses",
    "privacy_audit",
    "access_log",
    "tickets",
}


@dataclass(frozen=True)
class CustomerKey:
    channel: str
    user_id: str

    @classmethod
    def parse(cls, raw: str) -> CustomerKey:
        channel, sep, user_id = raw.partition(":")
        if not sep or not channel.strip() or not user_id.strip():
            raise ValueError(f"give the customer as CHANNEL:USER_ID, e.g. rest:alice (got {raw!r})")
        return cls(channel.strip(), user_id.strip())

    def digest(self) -> str:
        return hashlib.sha256(f"{self.channel}:{self.user_id}".encode()).hexdigest()


def _placeholders(values: list[Any]) -> str:
    return ",".join("?" * len(values))


# ---- the handoff DB (the service's own, SQLite or PostgreSQL) ----------------------------------------
class PrivacyStore:
    def __init__(
        self, handoff: Database, tracker_db: Path | str | None, files_dir: Path | None = None
    ) -> None:
        self.handoff = handoff
        self.tracker = tracker_events(tracker_db)
        # Customers' files on disk (handoff/attachment_files.py): the service's settings.files_dir,
        # HANDOFF_ATTACHMENTS_DIR; unset, var/attachments (the default next to var/handoff.db).
        self.files_dir = files_dir or Path("var/attachments")

    async def _file_ids(self, where: str, params: list[Any]) -> list[str]:
        """Ids of customers' files whose rows match, looked up before the rows are deleted."""
        if not params or "attachments" not in await self.handoff.table_columns():
            return []
        return [
            str(r[0]) for r in await self.handoff.fetch(f"SELECT id FROM attachments WHERE {where}", params)
        ]

    async def _delete_files(self, file_ids: list[str]) -> int:
        def delete() -> None:
            for file_id in file_ids:
                (self.files_dir / file_id).unlink(missing_ok=True)
                (self.files_dir / f"{file_id}.part").unlink(missing_ok=True)

        await asyncio.to_thread(delete)
        return len(file_ids)

    async def _rows(self, sql: str, params: list[Any] | tuple[Any, ...]) -> list[dict[str, Any]]:
        return [dict(row) for row in await self.handoff.fetch(sql, params)]

    async def _tables_with(self, column: str) -> list[str]:
        return sorted(
            name
            for name, columns in (await self.handoff.table_columns()).items()
            if name not in _NOT_CUSTOMER_TABLES and column in columns
        )

    # ---- finding a customer's records ----------------------------------------------------------
    async def _ticket_ids(self, customer: CustomerKey) -> list[int]:
        rows = await self.handoff.fetch(
            "SELECT id FROM tickets WHERE channel = ? AND customer_channel_user_id = ? ORDER BY id",
            (customer.channel, customer.user_id),
        )
        return [int(r[0]) for r in rows]

    async def _conversation_ids(self, customer: CustomerKey) -> list[str]:
        rows = await self.handoff.fetch(
            "SELECT conversation_id FROM tickets WHERE channel = ? AND customer_channel_user_id = ?",
            (customer.channel, customer.user_id),
        )
        found = {r[0] for r in rows}
        if await self.tracker.has_user(customer.channel, customer.user_id):
            found.add(customer.user_id)
        return sorted(found)

    # ---- export --------------------------------------------------------------------------------
    async def export(self, customer: CustomerKey, actor: str) -> dict[str, Any]:
        conversation_ids = await self._conversation_ids(customer)
        conversations = await self.tracker.conversations(conversation_ids)
        ids = await self._ticket_ids(customer)
        tickets: list[dict[str, Any]] = []
        if ids:
            for ticket in await self._rows(f"SELECT * FROM tickets WHERE id IN ({_placeholders(ids)})", ids):
                for field in ("actions_taken", "callback"):
                    if ticket.get(field):
                        ticket[field] = json.loads(ticket[field])
                ticket.pop("tracker_cursor", None)
                ticket.pop("notified_position", None)
                tickets.append(ticket)
        other = await self._related_rows(ids, conversation_ids)
        await self._audit("export", customer, actor, {"tickets": len(tickets)})
        return {
            "customer": {"channel": customer.channel, "user_id": customer.user_id},
            "generated_at": dt.datetime.now(dt.UTC).isoformat(),
            "conversations": conversations,
            "tickets": tickets,
            "ticket_messages": other.pop("messages", []),
            "ticket_notes": other.pop("notes", []),
            "other_records": other,
        }

    async def _related_rows(self, ticket_ids: list[int], conversation_ids: list[str]
                            ) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
        found: dict[str, list[dict[str, Any]]] = {}
        for column, values in (("ticket_id", ticket_ids), ("conversation_id", conversation_ids)):
            if not values:
                continue
            for table in await self._tables_with(column):
                rows = await self._rows(
                    f'SELECT * FROM "{table}" WHERE {column} IN ({_placeholders(values)})', values
                )
                if rows:
                    found.setdefault(table, []).extend(rows)
        return found

    # ---- erasure -------------------------------------------------------------------------------
    async def erase(self, customer: CustomerKey, actor: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        conversation_ids = await self._conversation_ids(customer)
        deleted = await self.tracker.erase(conversation_ids)
        if deleted is not None:
            counts["tracker_events"] = deleted
        ids = await self._ticket_ids(customer)
        files = await self._file_ids(
            f"ticket_id IN ({_placeholders(ids) or 'NULL'})"
            f" OR conversation_id IN ({_placeholders(conversation_ids) or 'NULL'})",
            [*ids, *conversation_ids],
        )
        tables = {column: await self._tables_with(column) for column in ("ticket_id", "conversation_id")}
        async with self.handoff.transaction() as tx:  # only `tx` inside: SQLite's one connection is held
            for column, values in (("ticket_id", ids), ("conversation_id", conversation_ids)):
                if not values:
                    continue
                for table in tables[column]:
                    removed = await tx.execute(
                        f'DELETE FROM "{table}" WHERE {column} IN ({_placeholders(values)})', values
                    )
                    if removed:
                        counts[table] = counts.get(table, 0) + removed
            if ids:
                counts["tickets"] = await tx.execute(
                    f"DELETE FROM tickets WHERE id IN ({_placeholders(ids)})", ids
                )
        if files:  # after the rows are gone: a file is never listed without its bytes being deletable
            counts["files"] = await self._delete_files(files)
        await self._audit("erase", customer, actor, counts)
        await self._reclaim()
        return counts

    # ---- retention -----------------------------------------------------------------------------
    async def purge_older_than(self, days: int, actor: str, now: dt.datetime | None = None) -> dict[str, int]:
        """Delete conversations whose last event is older than `days`; tickets that ended before then
        (resolved, handed back or cancelled; one never worked counts from its handoff) lose their text and
        customer details but keep rating, queue, reason and times (reports)."""
        if days < 1:
            raise ValueError("the retention period must be at least 1 day")
        cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
        counts: dict[str, int] = {}
        if old := await self.tracker.purge(cutoff):
            counts["conversations"] = old
        rows = await self.handoff.fetch(
            "SELECT id FROM tickets WHERE COALESCE(resolution_time, handoff_time) < ?"
            " AND status NOT IN ('waiting', 'assigned')"
            " AND customer_channel_user_id != ''",
            (cutoff.isoformat(),),
        )
        ids = [int(r[0]) for r in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            files = await self._file_ids(f"ticket_id IN ({_placeholders(chunk)})", chunk)
            async with self.handoff.transaction() as tx:
                if files:
                    counts["attachments"] = counts.get("attachments", 0) + await tx.execute(
                        f"DELETE FROM attachments WHERE id IN ({_placeholders(files)})", files
                    )
                for table in ("messages", "notes"):
                    key = f"ticket_{table}"
                    counts[key] = counts.get(key, 0) + await tx.execute(
                        f"DELETE FROM {table} WHERE ticket_id IN ({_placeholders(chunk)})", chunk
                    )
                counts["tickets_anonymised"] = counts.get("tickets_anonymised", 0) + await tx.execute(
                    "UPDATE tickets SET customer_channel_user_id = '', customer_name = NULL,"
                    " customer_email = NULL, summary = '', actions_taken = '[]', resolution_notes = NULL,"
                    " satisfaction_comment = NULL, callback = NULL, request_details = NULL,"
                    " conversation_id = 'purged-' || id"
                    f" WHERE id IN ({_placeholders(chunk)})",
                    chunk,
                )
            if files:
                counts["files"] = counts.get("files", 0) + await self._delete_files(files)
        if counts:
            await self._audit("retention_purge", None, actor, {"days": days, **counts})
        if ids:
            await self._reclaim()
        return counts

    async def _reclaim(self) -> None:
        """SQLite: no byte of deleted text stays in the file or its write-ahead log."""
        if self.handoff.dialect != "sqlite":
            return
        await self.handoff.execute("VACUUM")
        for _ in range(50):
            row = await self.handoff.fetchrow("PRAGMA wal_checkpoint(TRUNCATE)")
            if row is None or not row[0]:
                return
            await asyncio.sleep(0.1)
        raise sqlite3.OperationalError(
            "could not checkpoint the write-ahead log: another process holds the DB"
        )

    # ---- audit ---------------------------------------------------------------------------------
    async def _audit(self, action: str, customer: CustomerKey | None, actor: str,
                     details: dict[str, Any]) -> None:  # fmt: skip
        await self.handoff.execute(
            "INSERT INTO privacy_audit (at, action, customer_hash, actor, details) VALUES (?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(),
                action,
                customer.digest() if customer else None,
                actor,
                json.dumps(details),
            ),
        )

    async def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        return await self._rows("SELECT * FROM privacy_audit ORDER BY id DESC LIMIT ?", (limit,))
