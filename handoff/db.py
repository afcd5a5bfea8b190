"""Open the ticket database the settings name and bring its schema up to date: the SQLite file
`HANDOFF_DB` by default, PostgreSQL when `HANDOFF_DATABASE_URL` is set."""

from __future__ import annotations

from handoff.database import Database
from handoff.postgres_db import PostgresDatabase
from handoff.schema import migrations
from handoff.settings import StorageSettings
from handoff.sqlite_db import SqliteDatabase


async def open_database(settings: StorageSettings) -> Database:
    if settings.database_url is None:
        return await SqliteDatabase.open(settings.db)
    return await PostgresDatabase.open(
        settings.database_url.get_secret_value(),
        pool_size=settings.database_pool_size,
        timeout=settings.database_timeout_seconds,
        wait=settings.database_wait_seconds,
    )


__all__ = ["Database", "migrations", "open_database"]
