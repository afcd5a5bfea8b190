"""Open the SQLite database and bring its schema up to date with the numbered migrations."""

from __future__ import annotations

import datetime as dt
import logging
import re
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every file in handoff/migrations, in order."""
    found = []
    for entry in resources.files("handoff.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply the migrations newer than the stored schema_version; return the resulting version."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for version, name, sql in migrations():
        if version <= current:
            continue
        now = dt.datetime.now(dt.UTC).isoformat()
        # executescript commits first; the whole migration and its version row go in one transaction.
        await conn.executescript(
            f"BEGIN;\n{sql}\nINSERT INTO schema_version (version, name, applied_at)"
            f" VALUES ({version}, '{name}', '{now}');\nCOMMIT;"
        )
        log.info("applied migration %s", name)
        current = version
    return current


async def connect(path: Path) -> aiosqlite.Connection:
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        await conn.execute("PRAGMA journal_mode = WAL")
    await migrate(conn)
    return conn
