"""Who opened or exported which transcript: written on every opening, reviewed by supervisors.

The "audit of working practice": agents see only their queues' tickets (handoff.routing.can_see), and
every look at a customer's conversation leaves a line here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from handoff.auth import require_supervisor
from handoff.database import Database
from handoff.models import utc_now
from handoff.state import DATABASE
from handoff.users import Agent

ACTIONS = ("opened_transcript", "exported_json", "exported_html", "downloaded_file")


class AccessLog:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(self, agent: Agent, action: str, ticket_id: int | None) -> None:
        await self._db.execute(
            "INSERT INTO access_log (at, user_id, username, action, ticket_id) VALUES (?, ?, ?, ?, ?)",
            (utc_now().isoformat(), agent.id, agent.username, action, ticket_id),
        )

    async def recent(self, limit: int = 500, username: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT at, username, action, ticket_id FROM access_log"
        params: tuple[Any, ...] = ()
        if username:
            sql, params = sql + " WHERE username = ?", (username,)
        return [
            dict(row) for row in await self._db.fetch(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        ]


ACCESS_LOG = web.AppKey("access_log", AccessLog)


async def access_log_ctx(app: web.Application) -> AsyncIterator[None]:
    """On the service's database (opened and migrated before)."""
    app[ACCESS_LOG] = AccessLog(app[DATABASE])
    yield


async def log_access(request: web.Request, agent: Agent, action: str, ticket_id: int) -> None:
    await request.app[ACCESS_LOG].record(agent, action, ticket_id)


async def access_log_api(request: web.Request) -> web.Response:
    await require_supervisor(request)
    username = request.query.get("username") or None
    rows = await request.app[ACCESS_LOG].recent(username=username[:100] if username else None)
    return web.json_response({"entries": rows})


async def access_log_page(request: web.Request) -> web.StreamResponse:
    agent = await require_supervisor(request)
    rows = await request.app[ACCESS_LOG].recent()
    return aiohttp_jinja2.render_template(
        "privacy_access_log.html", request, {"agent": agent, "entries": rows}
    )
