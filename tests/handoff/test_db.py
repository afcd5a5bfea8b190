"""Numbered migrations: applied once, recorded in schema_version, safe to re-run."""

from __future__ import annotations

from pathlib import Path

from handoff import db


async def test_migrations_apply_once_and_record_their_version(tmp_path: Path) -> None:
    path = tmp_path / "handoff.db"
    conn = await db.connect(path)
    versions = [v for v, _, _ in db.migrations()]
    async with conn.execute("SELECT version FROM schema_version ORDER BY version") as cursor:
        assert [r[0] for r in await cursor.fetchall()] == versions
    await conn.close()
    conn = await db.connect(path)  # second start: nothing re-applied, no error
    assert await db.migrate(conn) == versions[-1]
    async with conn.execute("SELECT COUNT(*) FROM canned_responses") as cursor:
        count = (await cursor.fetchone())[0]
    assert count == 4  # seed rows were not inserted twice
    await conn.close()
