"""The running service purges data older than the retention period: at start, then every hour
($HANDOFF_RETENTION_CHECK_SECONDS)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from aiohttp import web

from handoff.privacy_cli import retention_days, tracker_db
from handoff.privacy_store import PrivacyStore
from handoff.state import DATABASE, SETTINGS

log = logging.getLogger(__name__)


async def retention_loop(app: web.Application) -> AsyncIterator[None]:
    days = retention_days()
    pause = float(os.environ.get("HANDOFF_RETENTION_CHECK_SECONDS", "3600"))
    store = PrivacyStore(app[DATABASE], tracker_db(), app[SETTINGS].files_dir)

    async def loop() -> None:
        while True:
            try:
                # Several handoff processes: one purges, the others skip this round.
                async with app[DATABASE].exclusive("handoff-retention") as mine:
                    counts = await store.purge_older_than(days, "retention schedule") if mine else {}
                if counts:
                    log.info("retention: purged data older than %d days: %s", days, counts)
            except Exception:
                log.exception("retention purge failed; trying again in %.0f s", pause)
            await asyncio.sleep(pause)

    task = asyncio.create_task(loop(), name="privacy-retention")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
