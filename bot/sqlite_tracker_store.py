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

PostgreSQL (the cluster profile) is left alone.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

log = logging.getLogger(__name__)
_installed = False


def _wal(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # stays set in the file
        cursor.execute("PRAGMA synchronous=NORMAL")  # per connection
    finally:
        cursor.close()


def tune_sqlite_tracker_store() -> None:
    """Every SQLite file engine created in this process from now on keeps its connections and runs in WAL
    mode (idempotent; call before Rasa loads its tracker store)."""
    global _installed
    if _installed:
        return
    from sqlalchemy import event, pool
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _wal)
    SQLiteDialect_pysqlite.get_pool_class = classmethod(lambda cls, url: pool.SingletonThreadPool)  # type: ignore[method-assign]
    _installed = True
    log.info("SQLite tracker store: write-ahead log, connections kept")
