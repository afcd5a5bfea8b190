"""Rows of a read-only query on PostgreSQL (the cluster profile), fetched in batches through asyncpg (pinned in
requirements/app.txt for the handoff service) and handed out one at a time to synchronous code."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from analytics.settings import POSTGRES_SCHEMES, AnalyticsError

BATCH = 5000


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def rows(url: str, query: str, setting: str) -> Iterator[tuple[Any, ...]]:
    """Each row of `query`, in a read-only transaction; a server that does not answer (or lacks the table)
    is one AnalyticsError naming the environment variable `setting`."""
    loop = asyncio.new_event_loop()
    try:
        try:
            conn = loop.run_until_complete(
                asyncpg.connect(url, timeout=10, server_settings={"default_transaction_read_only": "on"})
            )
        except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
            raise AnalyticsError(f"{setting} ({shown(url)}) did not answer: {exc}") from None
        try:
            transaction = conn.transaction(readonly=True)
            loop.run_until_complete(transaction.start())
            try:
                cursor = loop.run_until_complete(conn.cursor(query))
                while batch := loop.run_until_complete(cursor.fetch(BATCH)):
                    yield from (tuple(record) for record in batch)
            except asyncpg.PostgresError as exc:
                raise AnalyticsError(f"{setting} ({shown(url)}): {exc}") from None
            finally:
                loop.run_until_complete(transaction.rollback())
        finally:
            loop.run_until_complete(conn.close())
    finally:
        loop.close()
