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
from handoff.errors import DatabaseUnavailable, LiveStateUnavailable
from handoff.handouts import HANDOUTS, Handouts
from handoff.help_center import HELP_CENTER, HelpCenter
from handoff.hub import Hub
from handoff.metrics import Metrics
from handoff.middleware import errors_middleware
from handoff.presence import LocalPresence
from handoff.privacy_access import access_log_ctx
from handoff.privacy_retention import retention_loop
from handoff.rasa import RasaClient
from handoff.redis_client import redis_client
from handoff.redis_presence import RedisPresence
from handoff.relay import RedisRelay
from handoff.routes import setup_routes
from handoff.settings import Settings
from handoff.state import DATABASE, DESK, FILES, HUB, METRICS, PRESENCE, RASA, SETTINGS, STORE
from handoff.store import Store

log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).parent


def _session_key(settings: Settings) -> bytes:
    if settings.session_secret is None:
        log.warning("HANDOFF_SESSION_SECRET is not set; agent sessions end when the service restarts")
        return secrets.token_bytes(32)
    return hashlib.sha256(settings.session_secret.get_secret_value().encode()).digest()


async def _database(app: web.Application) -> AsyncIterator[None]:
    database = await db.open_database(app[SETTINGS])
    app[DATABASE] = database
    app[STORE] = Store(database)
    yield
    await database.close()


async def _live_state(app: web.Application) -> AsyncIterator[None]:
    """Presence and console events: this process's memory, or Redis shared by every process."""
    settings, hub = app[SETTINGS], app[HUB]
    if settings.redis_url is None:
        if settings.database_url is not None:
            log.warning(
                "HANDOFF_DATABASE_URL without HANDOFF_REDIS_URL: agent presence and console updates stay in this"
                " process; set HANDOFF_REDIS_URL before running a second handoff process"
            )
        app[PRESENCE] = LocalPresence(hub)
        yield
        return
    url, timeout = settings.redis_url.get_secret_value(), settings.database_timeout_seconds
    client, subscriber = redis_client(url, timeout), redis_client(url, timeout, retries=0)
    relay = RedisRelay(client, subscriber)
    presence = RedisPresence(client, settings.presence_ttl_seconds)
    hub.publish = relay.publish
    app[PRESENCE] = presence
    tasks = [
        asyncio.create_task(relay.run(hub.deliver, hub.tell_all), name="handoff-relay"),
        asyncio.create_task(presence.run(), name="handoff-presence"),
    ]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(relay.subscribed.wait(), timeout=settings.database_timeout_seconds)
    yield
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await presence.close()
    await client.aclose()
    await subscriber.aclose()


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
        app[DESK] = Desk(app[STORE], settings, app[HUB], app[METRICS], app[PRESENCE], app[RASA])
        yield


async def _sync_loop(app: web.Application) -> AsyncIterator[None]:
    async def loop() -> None:
        desk, pause = app[DESK], app[SETTINGS].tracker_poll_seconds
        while True:
            try:
                # One process at a time copies Rasa's messages and tells customers their place.
                async with app[DATABASE].exclusive("handoff-conversation-sync") as mine:
                    if mine:
                        await desk.sync_conversations()
            except (DatabaseUnavailable, LiveStateUnavailable) as exc:
                log.warning("conversation sync paused: %s; retrying", exc)
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
    app[HANDOUTS] = Handouts.load(settings.handouts_dir)
    # The retention loop opens the DB itself, after _database has migrated it.
    app.cleanup_ctx.extend([_database, access_log_ctx, _live_state, _rasa, _sync_loop, retention_loop])
    app.on_shutdown.append(_close_sockets)
    setup_routes(app)
    return app
