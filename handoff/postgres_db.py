"""The ticket database on PostgreSQL (several handoff processes): an asyncpg pool.

asyncpg because its pool replaces a broken connection on the next acquire (a restarted database needs no
restart of ours), its rows are read by name or position like sqlite3's (the store maps rows the same way
on both), and it is a well-kept, fast, asyncio-native driver."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator

import asyncpg

from handoff.database import Database, Params, Queries, Row
from handoff.dialect import advisory_key, postgres_ddl, postgres_sql
from handoff.errors import DatabaseUnavailable, UniqueViolation
from handoff.schema import MIGRATION_LOCK, migrations

log = logging.getLogger(__name__)
# What a database that is down, restarting or out of connections raises (never a bug of ours).
_DOWN: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,  # includes ConnectionDoesNotExistError
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, crash recovery, "starting up"
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
)
_MIGRATION_TIMEOUT = 600.0


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except asyncpg.UniqueViolationError as exc:
        raise UniqueViolation(exc.constraint_name) from exc
    except _DOWN as exc:
        raise DatabaseUnavailable(f"PostgreSQL did not answer: {type(exc).__name__}") from exc


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a connection going back to the pool needs beyond asyncpg's own rollback of an open transaction:
    nothing. The store never changes session settings, LISTENs or keeps cursors, and `exclusive` unlocks
    its advisory lock itself; skipping asyncpg's default `RESET ALL; UNLISTEN *; ...` saves a round trip on
    every statement."""


def _count(status: str) -> int:
    """asyncpg's command tag, e.g. 'UPDATE 3' → 3."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _Statements(Queries):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        with _translated():
            return list(await self._conn.fetch(postgres_sql(sql), *params))

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        with _translated():
            return await self._conn.fetchrow(postgres_sql(sql), *params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        with _translated():
            return _count(await self._conn.execute(postgres_sql(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        batch = [tuple(r) for r in rows]
        if batch:
            with _translated():
                await self._conn.executemany(postgres_sql(sql), batch)

    async def insert(self, sql: str, params: Params = ()) -> int:
        with _translated():
            return int(await self._conn.fetchval(postgres_sql(sql) + " RETURNING id", *params))


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, timeout: float) -> None:
        self._pool = pool
        self._timeout = timeout

    @classmethod
    async def open(
        cls, url: str, *, pool_size: int = 10, timeout: float = 5.0, wait: float = 30.0
    ) -> PostgresDatabase:
        """Connect (waiting up to `wait` seconds for a database that is still starting) and migrate."""
        deadline = time.monotonic() + wait
        while True:
            # min_size 0: connections open when needed, so an outage costs no background reconnect loop.
            pool = await asyncpg.create_pool(
                url,
                min_size=0,
                max_size=pool_size,
                timeout=timeout,
                command_timeout=timeout,
                max_inactive_connection_lifetime=300,
                server_settings={"application_name": "handoff"},
                reset=_keep_session,
            )
            database = cls(pool, timeout)
            try:
                await database.migrate()
                break
            except DatabaseUnavailable as exc:
                await pool.close()
                if time.monotonic() >= deadline:
                    raise DatabaseUnavailable(
                        f"PostgreSQL at {_where(url)} did not answer within {wait:.0f} s: {exc}"
                    ) from exc
                log.warning("PostgreSQL at %s not ready (%s); retrying", _where(url), exc)
                await asyncio.sleep(1.0)
            except BaseException:
                await pool.close()
                raise
        return database

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        with _translated():
            async with self._pool.acquire(timeout=self._timeout) as conn:
                yield conn

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._connection() as conn:
            return await _Statements(conn).fetch(sql, params)

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        async with self._connection() as conn:
            return await _Statements(conn).fetchrow(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._connection() as conn:
            return await _Statements(conn).execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as statements:
            await statements.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        async with self._connection() as conn:
            return await _Statements(conn).insert(sql, params)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Queries]:
        async with self._connection() as conn, conn.transaction():
            yield _Statements(conn)

    @contextlib.asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        key = advisory_key(name)
        async with self._connection() as conn:
            got = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", key))
            try:
                yield got
            finally:
                if got and not conn.is_closed():
                    with contextlib.suppress(*_DOWN):
                        await conn.execute("SELECT pg_advisory_unlock($1)", key)

    async def migrate(self) -> int:
        """Under a session advisory lock: of several processes starting together, one applies each migration
        and the others wait, then find nothing left to do."""
        key = advisory_key(MIGRATION_LOCK)
        async with self._connection() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", key, timeout=_MIGRATION_TIMEOUT)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                current = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
                for version, name, sql in migrations():
                    if version <= current:
                        continue
                    async with conn.transaction():
                        await conn.execute(postgres_ddl(sql), timeout=_MIGRATION_TIMEOUT)
                        await conn.execute(
                            "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                            version,
                            name,
                            dt.datetime.now(dt.UTC).isoformat(),
                        )
                    log.info("applied migration %s", name)
                    current = version
            finally:
                if not conn.is_closed():
                    await conn.execute("SELECT pg_advisory_unlock($1)", key)
        return current

    async def table_columns(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for row in await self.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        ):
            found.setdefault(row[0], set()).add(row[1])
        return found

    async def close(self) -> None:
        await self._pool.close()


def _where(url: str) -> str:
    """host:port/database of a URL, never its password."""
    return url.rsplit("@", 1)[-1]


__all__ = ["PostgresDatabase"]
