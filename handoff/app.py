"""The aiohttp application factory."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from handoff import db
from handoff.attachment_files import AttachmentFiles
from handoff.desk import Desk
from handoff.help_center import HELP_CENTER, HelpCenter
from handoff.hub import Hub
from handoff.metrics import Metrics
from handoff.middleware import errors_middleware
from handoff.privacy_access import access_log_ctx
from handoff.privacy_retention import retention_loop
from handoff.rasa import RasaClient
from handoff.routes import setup_routes
from handoff.settings import Settings
from handoff.state import DESK, FILES, HUB, METRICS, RASA, SETTINGS, STORE
from handoff.store import Store

log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).parent


def _session_key(settings: Settings) -> bytes:
    if settings.session_secret is None:
        log.warning("HANDOFF_SESSION_SECRET is not set; agent sessions end when the service restarts")
        return secrets.token_bytes(32)
    return hashlib.sha256(settings.session_secret.get_secret_value().encode()).digest()


async def _database(app: web.Application) -> AsyncIterator[None]:
    conn = await db.connect(app[SETTINGS].db)
    app[STORE] = Store(conn)
    yield
    await conn.close()


async def _rasa(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as session:
        token = settings.rasa_auth_token.get_secret_value() if settings.rasa_auth_token else None
        app[RASA] = RasaClient(
            session,
            settings.rasa_url,
            token,
            settings.rasa_timeout_seconds,
            channel_token=settings.api_token.get_secret_value(),
        )
        app[DESK] = Desk(app[STORE], settings, app[HUB], app[METRICS], app[RASA])
        yield


async def _sync_loop(app: web.Application) -> AsyncIterator[None]:
    async def loop() -> None:
        desk, pause = app[DESK], app[SETTINGS].tracker_poll_seconds
        while True:
            try:
                await desk.sync_conversations()
            except Exception:
                log.exception("conversation sync failed; retrying")
            await asyncio.sleep(pause)

    task = asyncio.create_task(loop(), name="handoff-sync")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _close_sockets(app: web.Application) -> None:
    await app[HUB].close_all()


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[errors_middleware], client_max_size=settings.max_body_bytes + 1024)
    app[SETTINGS] = settings
    app[HUB] = Hub()
    app[FILES] = AttachmentFiles(settings.files_dir)
    app[METRICS] = Metrics.create()
    setup_session(
        app,
        EncryptedCookieStorage(
            _session_key(settings),
            cookie_name="handoff_session",
            httponly=True,
            samesite="Strict",
            max_age=12 * 3600,
        ),
    )
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader([PACKAGE_DIR / "templates", PACKAGE_DIR.parent / "web"]),
        autoescape=jinja2.select_autoescape(default=True),
    )
    app[HELP_CENTER] = HelpCenter.load(settings.kb_dir)
    # The retention loop opens the DB itself, after _database has migrated it.
    app.cleanup_ctx.extend([_database, access_log_ctx, _rasa, _sync_loop, retention_loop])
    app.on_shutdown.append(_close_sockets)
    setup_routes(app)
    return app
