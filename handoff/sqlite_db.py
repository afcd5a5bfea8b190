"""The ticket database in one SQLite file (the default: one handoff process, `make run`)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path

import aiosqlite

from handoff.database import Database, Params, Queries, Row
from handoff.errors import UniqueViolation
from handoff.schema import migrations

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except sqlite3.IntegrityError as exc:
        if "UNIQUE" not in str(exc):
            raise
        raise UniqueViolation(str(exc).partition(": ")[2] or None) from exc


class _Statements(Queries):
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        with _translated():
            async with self._conn.execute(sql, tuple(params)) as cursor:
                return list(await cursor.fetchall())

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        with _translated():
            async with self._conn.execute(sql, tuple(params)) as cursor:
                return await cursor.fetchone()

    async def execute(self, sql: str, params: Params = ()) -> int:
        with _translated():
            cursor = await self._conn.execute(sql, tuple(params))
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with _translated():
            await self._conn.executemany(sql, [tuple(r) for r in rows])

    async def insert(self, sql: str, params: Params = ()) -> int:
        with _translated():
            cursor = await self._conn.execute(sql, tuple(params))
            return int(cursor.lastrowid or 0)


class SqliteDatabase(Database):
    """One connection; statements and transactions take turns (a lock), each write commits."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._statements = _Statements(conn)
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[object] | None = None

    @classmethod
    async def open(cls, path: Path) -> SqliteDatabase:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA secure_delete = ON")  # erased customer text leaves no bytes behind
        if str(path) != ":memory:":
            await conn.execute("PRAGMA journal_mode = WAL")
        database = cls(conn)
        await database.migrate()
        return database

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        if self._holder is not None and self._holder is asyncio.current_task():
            # Waiting for our own lock would hang for ever: a bug, said at once.
            raise RuntimeError("inside a transaction, run statements on the transaction, not the database")
        async with self._lock:
            self._holder = asyncio.current_task()
            try:
                yield
            finally:
                self._holder = None

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._turn():
            return await self._statements.fetch(sql, params)

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        async with self._turn():
            return await self._statements.fetchrow(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self.transaction() as statements:
            return await statements.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as statements:
            await statements.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        async with self.transaction() as statements:
            return await statements.insert(sql, params)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Queries]:
        async with self._turn():
            try:
                yield self._statements
            except BaseException:
                await self._conn.rollback()
                raise
            await self._conn.commit()

    @contextlib.asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        yield True  # one process per SQLite file

    async def migrate(self) -> int:
        conn = self._conn
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

    async def table_columns(self) -> dict[str, set[str]]:
        tables = [r[0] for r in await self.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            name: {r[1] for r in await self.fetch(f'PRAGMA table_info("{name}")')}
            for name in tables
            if not name.startswith("sqlite_")
        }

    async def close(self) -> None:
        await self._conn.close()
