"""Everything held about one customer, across the handoff DB and Rasa's SQL tracker store: export,
erasure and retention.

Rasa 3.6 has no way to delete a conversation from its tracker store, so its `events` table is edited
directly. Both databases are opened with the standard library's sqlite3 (the CLI and the service's
retention task run it in a thread). After deleting, `secure_delete` has already zeroed the freed pages;
VACUUM rebuilds the file and a TRUNCATE checkpoint empties the write-ahead log, so the customer's words are
in no byte of any file (tests/handoff/test_privacy_erasure.py searches them).

Tickets are found by `channel` + `customer_channel_user_id`; conversations by those tickets'
`conversation_id` and by a Rasa `sender_id` equal to the user id whose messages came in on that channel.
Other tables in the handoff DB that carry a `ticket_id` or `conversation_id` column (ratings, requests,
analytics added by other parts) are exported and erased with them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@contextlib.contextmanager
def _open(path: Path | None) -> Iterator[sqlite3.Connection | None]:
    if path is None or not path.exists():
        yield None
        return
    conn = sqlite3.connect(path, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA secure_delete = ON")
    try:
        yield conn
    finally:
        conn.close()


def _tables_with(conn: sqlite3.Connection, column: str) -> list[str]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [
        name
        for name in names
        if name not in _NOT_CUSTOMER_TABLES
        and not name.startswith("sqlite_")
        and any(col[1] == column for col in conn.execute(f'PRAGMA table_info("{name}")'))
    ]


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] | list[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(sql, params)]


def _placeholders(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _file_ids(conn: sqlite3.Connection, where: str, params: list[Any]) -> list[str]:
    """Ids of customers' files (handoff/attachment_files.py) whose rows match, before they are deleted."""
    if not params or not _tables_with(conn, "sha256"):
        return []
    return [r[0] for r in conn.execute(f"SELECT id FROM attachments WHERE {where}", params)]


class PrivacyStore:
    def __init__(self, handoff_db: Path, tracker_db: Path | None, files_dir: Path | None = None) -> None:
        self.handoff_db = handoff_db
        self.tracker_db = tracker_db
        # Customers' files on disk: the service's HANDOFF_ATTACHMENTS_DIR (default next to the database).
        self.files_dir = files_dir or handoff_db.parent / "attachments"

    def _delete_files(self, file_ids: list[str]) -> int:
        for file_id in file_ids:
            (self.files_dir / file_id).unlink(missing_ok=True)
        return len(file_ids)

    # ---- finding a customer's records ----------------------------------------------------------
    @staticmethod
    def _ticket_ids(conn: sqlite3.Connection, customer: CustomerKey) -> list[int]:
        return [
            r[0]
            for r in conn.execute(
                "SELECT id FROM tickets WHERE channel = ? AND customer_channel_user_id = ?",
                (customer.channel, customer.user_id),
            )
        ]

    @staticmethod
    def _conversation_ids(handoff: sqlite3.Connection | None, tracker: sqlite3.Connection | None,
                          customer: CustomerKey) -> list[str]:  # fmt: skip
        found: set[str] = set()
        if handoff is not None:
            found.update(
                r[0]
                for r in handoff.execute(
                    "SELECT conversation_id FROM tickets WHERE channel = ? AND customer_channel_user_id = ?",
                    (customer.channel, customer.user_id),
                )
            )
        if tracker is not None:
            for row in tracker.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (customer.user_id,)
            ):
                if json.loads(row[0] or "{}").get("input_channel") in (customer.channel, None):
                    found.add(customer.user_id)
                    break
        return sorted(found)

    # ---- export --------------------------------------------------------------------------------
    def export(self, customer: CustomerKey, actor: str) -> dict[str, Any]:
        with _open(self.handoff_db) as handoff, _open(self.tracker_db) as tracker:
            conversation_ids = self._conversation_ids(handoff, tracker, customer)
            conversations = []
            if tracker is not None:
                for conversation_id in conversation_ids:
                    events = [
                        json.loads(r["data"] or "{}")
                        for r in tracker.execute(
                            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (conversation_id,)
                        )
                    ]
                    conversations.append(
                        {
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
                    )
            tickets: list[dict[str, Any]] = []
            other: dict[str, list[dict[str, Any]]] = {}
            if handoff is not None:
                ids = self._ticket_ids(handoff, customer)
                for ticket in _rows(
                    handoff, f"SELECT * FROM tickets WHERE id IN ({_placeholders(ids)})", ids
                ):
                    for field in ("actions_taken", "callback"):
                        if ticket.get(field):
                            ticket[field] = json.loads(ticket[field])
                    ticket.pop("tracker_cursor", None)
                    tickets.append(ticket)
                other = self._related_rows(handoff, ids, conversation_ids)
                self._audit(handoff, "export", customer, actor, {"tickets": len(tickets)})
        return {
            "customer": {"channel": customer.channel, "user_id": customer.user_id},
            "generated_at": dt.datetime.now(dt.UTC).isoformat(),
            "conversations": conversations,
            "tickets": tickets,
            "ticket_messages": other.pop("messages", []),
            "ticket_notes": other.pop("notes", []),
            "other_records": other,
        }

    @staticmethod
    def _related_rows(conn: sqlite3.Connection, ticket_ids: list[int], conversation_ids: list[str]
                      ) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
        found: dict[str, list[dict[str, Any]]] = {}
        for column, values in (("ticket_id", ticket_ids), ("conversation_id", conversation_ids)):
            if not values:
                continue
            for table in _tables_with(conn, column):
                rows = _rows(
                    conn, f'SELECT * FROM "{table}" WHERE {column} IN ({_placeholders(values)})', values
                )
                if rows:
                    found.setdefault(table, []).extend(rows)
        return found

    # ---- erasure -------------------------------------------------------------------------------
    def erase(self, customer: CustomerKey, actor: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        with _open(self.handoff_db) as handoff, _open(self.tracker_db) as tracker:
            conversation_ids = self._conversation_ids(handoff, tracker, customer)
            if tracker is not None and conversation_ids:
                cur = tracker.execute(
                    f"DELETE FROM events WHERE sender_id IN ({_placeholders(conversation_ids)})",
                    conversation_ids,
                )
                counts["tracker_events"] = cur.rowcount
                tracker.commit()
                _compact(tracker)
            if handoff is not None:
                ids = self._ticket_ids(handoff, customer)
                files = _file_ids(
                    handoff,
                    f"ticket_id IN ({_placeholders(ids) or 'NULL'})"
                    f" OR conversation_id IN ({_placeholders(conversation_ids) or 'NULL'})",
                    [*ids, *conversation_ids],
                )
                counts.update(self._delete_related(handoff, ids, conversation_ids))
                if ids:
                    counts["tickets"] = handoff.execute(
                        f"DELETE FROM tickets WHERE id IN ({_placeholders(ids)})", ids
                    ).rowcount
                self._audit(handoff, "erase", customer, actor, counts)
                handoff.commit()
                if files:
                    counts["files"] = self._delete_files(files)
                _compact(handoff)
        return counts

    @staticmethod
    def _delete_related(conn: sqlite3.Connection, ticket_ids: list[int], conversation_ids: list[str]
                        ) -> dict[str, int]:  # fmt: skip
        counts: dict[str, int] = {}
        for column, values in (("ticket_id", ticket_ids), ("conversation_id", conversation_ids)):
            if not values:
                continue
            for table in _tables_with(conn, column):
                deleted = conn.execute(
                    f'DELETE FROM "{table}" WHERE {column} IN ({_placeholders(values)})', values
                ).rowcount
                if deleted:
                    counts[table] = counts.get(table, 0) + deleted
        return counts

    # ---- retention -----------------------------------------------------------------------------
    def purge_older_than(self, days: int, actor: str, now: dt.datetime | None = None) -> dict[str, int]:
        """Delete conversations whose last event is older than `days`; closed tickets handed off before
        then lose their text and customer details but keep rating, queue, reason and times (reports)."""
        if days < 1:
            raise ValueError("the retention period must be at least 1 day")
        cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
        counts: dict[str, int] = {}
        with _open(self.handoff_db) as handoff, _open(self.tracker_db) as tracker:
            if tracker is not None:
                old = [
                    r[0]
                    for r in tracker.execute(
                        "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?",
                        (cutoff.timestamp(),),
                    )
                ]
                if old:
                    counts["conversations"] = len(old)
                    for start in range(0, len(old), 500):
                        chunk = old[start : start + 500]
                        tracker.execute(
                            f"DELETE FROM events WHERE sender_id IN ({_placeholders(chunk)})", chunk
                        )
                    tracker.commit()
                    _compact(tracker)
            if handoff is not None:
                ids = [
                    r[0]
                    for r in handoff.execute(
                        "SELECT id FROM tickets WHERE handoff_time < ? AND status NOT IN ('waiting', 'assigned')"
                        " AND customer_channel_user_id != ''",
                        (cutoff.isoformat(),),
                    )
                ]
                files = _file_ids(handoff, f"ticket_id IN ({_placeholders(ids)})", ids) if ids else []
                if ids:
                    counts.update(self._delete_text(handoff, ids))
                    counts["tickets_anonymised"] = handoff.execute(
                        "UPDATE tickets SET customer_channel_user_id = '', customer_name = NULL,"
                        " customer_email = NULL, summary = '', actions_taken = '[]', resolution_notes = NULL,"
                        " satisfaction_comment = NULL, callback = NULL,"
                        " conversation_id = 'purged-' || id"
                        f" WHERE id IN ({_placeholders(ids)})",
                        ids,
                    ).rowcount
                if files:
                    handoff.execute(f"DELETE FROM attachments WHERE id IN ({_placeholders(files)})", files)
                if counts:
                    self._audit(handoff, "retention_purge", None, actor, {"days": days, **counts})
                handoff.commit()
                if files:
                    counts["files"] = self._delete_files(files)
                if ids:
                    _compact(handoff)
        return counts

    @staticmethod
    def _delete_text(conn: sqlite3.Connection, ticket_ids: list[int]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table in ("messages", "notes"):
            counts[f"ticket_{table}"] = conn.execute(
                f"DELETE FROM {table} WHERE ticket_id IN ({_placeholders(ticket_ids)})", ticket_ids
            ).rowcount
        return counts

    # ---- audit ---------------------------------------------------------------------------------
    @staticmethod
    def _audit(conn: sqlite3.Connection, action: str, customer: CustomerKey | None, actor: str,
               details: dict[str, Any]) -> None:  # fmt: skip
        conn.execute(
            "INSERT INTO privacy_audit (at, action, customer_hash, actor, details) VALUES (?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(),
                action,
                customer.digest() if customer else None,
                actor,
                json.dumps(details),
            ),
        )
        conn.commit()

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        with _open(self.handoff_db) as conn:
            if conn is None:
                return []
            return _rows(conn, "SELECT * FROM privacy_audit ORDER BY id DESC LIMIT ?", (limit,))


def _compact(conn: sqlite3.Connection) -> None:
    """Rebuild the file and empty the write-ahead log, so deleted text is in no free page or WAL frame."""
    conn.execute("VACUUM")
    # Until a checkpoint completes, the old pages are still in the main file. Another connection (the
    # running service) can hold it up briefly: retry, then say so.
    for _ in range(50):
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if not busy:
            return
        time.sleep(0.1)
    raise sqlite3.OperationalError("could not checkpoint the write-ahead log: another process holds the DB")


def _when(stamp: Any) -> str | None:
    try:
        return dt.datetime.fromtimestamp(float(stamp), dt.UTC).isoformat()
    except (TypeError, ValueError):
        return None
