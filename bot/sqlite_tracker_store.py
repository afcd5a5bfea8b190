"""The single-box tracker store (SQLite) tuned for many conversations at once: WAL, and connections kept.

Rasa's SQL tracker store opens a session for every read and every save, synchronously on the event loop, and
commits once per customer message. With SQLAlchemy 1.4's defaults for a SQLite file that meant a new
connection (file open, schema read) for each of those sessions, and a commit that writes the rollback journal
and the database and syncs both. Under 50 concurrent conversations the tracker store was over a third of the
Rasa process's time (docs/performance.md). Here, in the Rasa process only:

- WAL mode with ``synchronous=NORMAL``: a commit appends to the log and syncs only at checkpoints. A committed
  turn still survives the Rasa process being killed (the log is on disk); a power cut or OS crash can cost the
  last moments of commits, the usual trade of a WAL database. Other readers of the file (the handoff
  service's erasure and retention) keep working: WAL allows readers alongside the writer.
- one connection kept per thread (SQLAlchemy's ``SingletonThreadPool``, what it already uses for in-memory
  SQLite) instead of a new one per session. Rasa touches the tracker store from its event-loop thread.
- reading a conversation's events and counting the stored ones (every save does, to find the new events)
  as plain SQL instead of ORM queries that SQLAlchemy builds, caches by key and maps to objects each time;
  the same rows, in the same order (the latest session's events, ordered by id).

PostgreSQL (the cluster profile) is left alone.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)
_installed = False

# Rasa's `_event_query`: the conversation's events since its latest session start (all of them when it has
# none), or every event with `all_sessions`; ordered by id, since timestamps are not unique.
_LATEST_SESSION = """
    FROM events WHERE sender_id = :sender_id AND (
        (SELECT max(timestamp) FROM events WHERE sender_id = :sender_id AND type_name = 'session_started') IS NULL
        OR timestamp >= (SELECT max(timestamp) FROM events
                         WHERE sender_id = :sender_id AND type_name = 'session_started'))
"""
_SQL = {
    "count": "SELECT count(*) " + _LATEST_SESSION,
    "latest_session": "SELECT data " + _LATEST_SESSION + " ORDER BY id",
    "all_sessions": "SELECT data FROM events WHERE sender_id = :sender_id ORDER BY id",
}


def _wal(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # stays set in the file
        cursor.execute("PRAGMA synchronous=NORMAL")  # per connection
    finally:
        cursor.close()


def _is_sqlite(store: Any) -> bool:
    return bool(store.engine.dialect.name == "sqlite")


def _patch_queries(store_class: Any) -> None:
    import sqlalchemy as sa
    from rasa.shared.core.trackers import DialogueStateTracker

    statements = {name: sa.text(sql) for name, sql in _SQL.items()}
    original_additional = store_class._additional_events
    original_retrieve = store_class._retrieve

    def _additional_events(self: Any, session: Any, tracker: Any) -> Iterator[Any]:
        if not _is_sqlite(self):
            return original_additional(self, session, tracker)  # type: ignore[no-any-return]
        stored = int(session.execute(statements["count"], {"sender_id": tracker.sender_id}).scalar() or 0)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def _retrieve(self: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        if not _is_sqlite(self):
            return await original_retrieve(self, sender_id, fetch_events_from_all_sessions)
        query = statements["all_sessions" if fetch_events_from_all_sessions else "latest_session"]
        with self.session_scope() as session:
            rows = session.execute(query, {"sender_id": sender_id}).scalars().all()
        events = [json.loads(data) for data in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    store_class._additional_events = _additional_events
    store_class._retrieve = _retrieve


def tune_sqlite_tracker_store() -> None:
    """Every SQLite file engine created in this process from now on keeps its connections and runs in WAL
    mode (idempotent; call before Rasa loads its tracker store)."""
    global _installed
    if _installed:
        return
    from rasa.core.tracker_store import SQLTrackerStore
    from sqlalchemy import event, pool
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _wal)
    SQLiteDialect_pysqlite.get_pool_class = classmethod(lambda cls, url: pool.SingletonThreadPool)  # type: ignore[method-assign]
    _patch_queries(SQLTrackerStore)
    _installed = True
    log.info("SQLite tracker store: write-ahead log, connections kept, plain SQL reads")
