"""Agent console: login, the single-page console, its JSON endpoints, live websocket, exports, supervisor view.

Session cookie (encrypted, HttpOnly, SameSite=Strict) plus a CSRF token on every state change."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from typing import Any, get_args

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from aiohttp_session import get_session, new_session
from pydantic import BaseModel, ConfigDict, Field

from handoff.auth import (
    SESSION_USER,
    check_csrf,
    csrf_token,
    current_agent,
    require_agent,
    require_supervisor,
)
from handoff.body import read_model
from handoff.client_address import request_client
from handoff.customer_history import history_json
from handoff.desk import Desk
from handoff.errors import DatabaseUnavailable, LiveStateUnavailable, UserNotFound
from handoff.handouts import HANDOUTS
from handoff.hub import Connection
from handoff.live_figures import load as load_live_figures
from handoff.login_throttle import LoginThrottle
from handoff.models import MAX_TEXT, QUEUES, Status, Ticket, utc_now
from handoff.privacy_access import log_access
from handoff.report_link import create_command, report_exists
from handoff.routing import can_see, queues_of, serves
from handoff.satisfaction import summarize
from handoff.service_levels import standing
from handoff.state import DATABASE, DESK, HUB, PRESENCE, SETTINGS, STORE
from handoff.suggestions import SuggestionsUnavailable, handouts_for, suggest
from handoff.users import Agent, verify_password

log = logging.getLogger(__name__)
ALL_STATUSES: tuple[Status, ...] = get_args(Status)
_FAILED_LOGIN_DELAY = 0.5


def _ticket_id(request: web.Request) -> int:
    raw = request.match_info["ticket_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound(text="not found")
    return int(raw)


async def _agent_with_csrf(request: web.Request) -> Agent:
    agent = await require_agent(request)
    await check_csrf(request, request.headers.get("X-CSRF-Token"))
    return agent


def _public(agent: Agent) -> dict[str, Any]:
    return {
        "id": agent.id,
        "username": agent.username,
        "display_name": agent.display_name,
        "role": agent.role,
        "presence": agent.presence,
        "skills": list(agent.skills),
        "queues": list(queues_of(agent)),
    }


# ---- login ---------------------------------------------------------------------------------------
@aiohttp_jinja2.template("login.html")
async def login_page(request: web.Request) -> dict[str, Any]:
    return {"csrf": await csrf_token(request), "error": None}


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    await check_csrf(request, str(form.get("csrf") or ""))
    username, password = str(form.get("username") or "")[:100], str(form.get("password") or "")[:200]
    store = request.app[STORE]
    throttle, address = LoginThrottle(request.app[DATABASE]), request_client(request)
    if wait := await throttle.locked_for(username, address):
        log.warning("console login for %r from %s refused: locked after repeated failures", username, address)
        minutes = max(1, round(wait / 60))
        error = (
            f"Too many wrong passwords. Wait {minutes} minute{'s' if minutes > 1 else ''}, then try again."
        )
        context = {"csrf": await csrf_token(request), "error": error}
        return aiohttp_jinja2.render_template("login.html", request, context, status=429)
    try:
        agent = await store.find_user(username)
        ok = verify_password(agent.password_hash, password)
    except UserNotFound:
        agent, ok = None, False
    if agent is None or not ok:
        await throttle.failed(username, address)
        await asyncio.sleep(_FAILED_LOGIN_DELAY)
        log.info("failed console login for %r", username)
        context = {"csrf": await csrf_token(request), "error": "Wrong user name or password."}
        return aiohttp_jinja2.render_template("login.html", request, context, status=401)
    await throttle.succeeded(username)
    session = await new_session(request)  # a fresh session id on login (no fixation)
    session[SESSION_USER] = agent.id
    await store.set_presence(agent.id, "online")
    log.info("agent %s logged in", agent.username)
    raise web.HTTPFound("/console")


async def logout(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    agent = await require_agent(request)
    await check_csrf(request, str(form.get("csrf") or ""))
    await request.app[STORE].set_presence(agent.id, "offline")
    (await get_session(request)).invalidate()
    raise web.HTTPFound("/console/login")


# ---- pages ---------------------------------------------------------------------------------------
async def console_page(request: web.Request) -> web.StreamResponse:
    agent = await require_agent(request)
    context = {"agent": agent, "csrf": await csrf_token(request), "queues": QUEUES}
    return aiohttp_jinja2.render_template("console.html", request, context)


async def supervisor_page(request: web.Request) -> web.StreamResponse:
    agent = await require_supervisor(request)
    desk, store, levels = request.app[DESK], request.app[STORE], request.app[SETTINGS].service_levels
    now = utc_now()
    settings = request.app[SETTINGS]
    rows = []
    for ticket in await store.list_tickets(("waiting", "assigned", "offline")):
        sla = standing(ticket, levels, settings.hours, now)
        rows.append({"ticket": ticket, "sla": sla})
    order = {"breached": 0, "due_soon": 1, "on_track": 2, "missed": 3, "met": 4}
    rows.sort(key=lambda row: (order[row["sla"].state], row["sla"].left_minutes))
    agents = await store.list_users()
    online = {a.id for a in await desk.agents_online()}
    context = {
        "agent": agent,
        "rows": rows,
        "agents": agents,
        "online": online,
        "csrf": await csrf_token(request),
        "closed": await store.recent_closed(20),
        "satisfaction": summarize(await store.rated_tickets(), recent=20),
        "figures": await load_live_figures(store, levels, settings.hours, now),
        "report": {
            "exists": report_exists(settings.report_file),
            "command": create_command(settings.report_file),
        },
    }
    return aiohttp_jinja2.render_template("supervisor.html", request, context)


# ---- JSON for the console ------------------------------------------------------------------------
async def queue(request: web.Request) -> web.Response:
    """The open tickets this agent may work (their queues, plus their own), high priority and longest wait
    first, with a per-queue count."""
    agent = await require_agent(request)
    desk, store = request.app[DESK], request.app[STORE]
    now = utc_now()
    tickets = [t for t in await store.list_tickets(("waiting", "assigned", "offline")) if can_see(agent, t)]
    online_agents = await desk.agents_online()  # once per page: Redis and the database are a network away
    online = {o.id for o in online_agents}
    rows = [
        _row(t)
        | (await desk.queue_info(t, online_agents)).as_json()
        | {"waited_minutes": round((now - t.handoff_time).total_seconds() / 60, 1)}
        for t in tickets
    ]
    queues = [
        {
            "queue": name,
            "waiting": sum(1 for t in tickets if t.queue == name and t.status == "waiting"),
            "agents_online": sum(1 for a in online_agents if serves(a, name)),
        }
        for name in queues_of(agent)
    ]
    return web.json_response(
        {
            "me": _public(agent),
            "queues": queues,
            "tickets": rows,
            "agents": [_public(a) | {"connected": a.id in online} for a in await store.list_users()],
        }
    )


def _row(ticket: Ticket) -> dict[str, Any]:
    return ticket.model_dump(mode="json", exclude={"transcript", "notes"})


async def ticket_detail(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    desk = request.app[DESK]
    ticket = await desk.visible_ticket(_ticket_id(request), agent)
    await log_access(request, agent, "opened_transcript", ticket.ticket_id)
    others = await desk.store.list_tickets(ALL_STATUSES, limit=2000)
    return web.json_response({**ticket.model_dump(mode="json"), **history_json(ticket, others, agent)})


async def suggestions(request: web.Request) -> web.Response:
    """Help articles and script handouts that fit the conversation, for the agent to read or send."""
    agent = await require_agent(request)
    ticket = await request.app[DESK].visible_ticket(_ticket_id(request), agent)
    try:
        return web.json_response(await suggest(ticket, request.app[HANDOUTS]))
    except SuggestionsUnavailable as exc:
        log.warning("ticket %s: no suggestions: %s", ticket.ticket_id, exc)
        return web.json_response(
            {
                "error": "Suggestions are not available right now.",
                "articles": [],
                "scripts": handouts_for(ticket, [], request.app[HANDOUTS]),
            },
            status=503,
        )


async def claim(request: web.Request) -> web.Response:
    agent = await _agent_with_csrf(request)
    ticket = await request.app[DESK].claim(_ticket_id(request), agent)
    return web.json_response(_row(ticket))


class TextBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    notes: str = Field(default="", max_length=MAX_TEXT)


class TransferBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    queue: str | None = Field(default=None, max_length=50)
    username: str | None = Field(default=None, max_length=100)


class PresenceBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    presence: str = Field(pattern="^(online|away)$")


async def send_message(request: web.Request) -> web.Response:
    agent = await _agent_with_csrf(request)
    body = await read_model(request, TextBody)
    if not body.text.strip():
        raise web.HTTPBadRequest(text="message is empty")
    message, delivered = await request.app[DESK].reply(_ticket_id(request), agent, body.text)
    return web.json_response({"message": message.model_dump(mode="json"), "delivered": delivered}, status=201)


async def add_note(request: web.Request) -> web.Response:
    agent = await _agent_with_csrf(request)
    body = await read_model(request, TextBody)
    ticket_id = _ticket_id(request)
    await request.app[DESK].visible_ticket(ticket_id, agent, with_messages=False)
    await request.app[DESK].add_note(ticket_id, agent, body.text)
    return web.json_response({"ok": True}, status=201)


async def transfer(request: web.Request) -> web.Response:
    agent = await _agent_with_csrf(request)
    body = await read_model(request, TransferBody)
    if body.queue and body.queue not in QUEUES:
        raise web.HTTPBadRequest(text=f"unknown queue; use one of {', '.join(QUEUES)}")
    to_user = await request.app[STORE].find_user(body.username) if body.username else None
    if not (body.queue or to_user):
        raise web.HTTPBadRequest(text="give a queue or an agent")
    ticket = await request.app[DESK].transfer(_ticket_id(request), agent, body.queue, to_user)
    return web.json_response(_row(ticket))


async def resolve(request: web.Request) -> web.Response:
    agent = await _agent_with_csrf(request)
    body = await read_model(request, ResolveBody)
    if not body.notes.strip():
        raise web.HTTPBadRequest(text="write resolution notes first")
    ticket = await request.app[DESK].resolve(_ticket_id(request), agent, body.notes)
    return web.json_response(_row(ticket))


async def hand_back(request: web.Request) -> web.Response:
    agent = await _agent_with_csrf(request)
    body = await read_model(request, ResolveBody)
    ticket = await request.app[DESK].hand_back(_ticket_id(request), agent, body.notes)
    return web.json_response(_row(ticket))


async def presence(request: web.Request) -> web.Response:
    agent = await _agent_with_csrf(request)
    body = await read_model(request, PresenceBody)
    await request.app[STORE].set_presence(agent.id, body.presence)
    await request.app[HUB].broadcast(
        {"type": "presence", "user": agent.display_name, "presence": body.presence}
    )
    await request.app[DESK].refresh_metrics()
    return web.json_response({"presence": body.presence})


async def canned(request: web.Request) -> web.Response:
    await require_agent(request)
    return web.json_response({"canned": await request.app[STORE].canned_responses()})


async def typing(request: web.Request) -> web.Response:
    """The agent is typing: other consoles see it, and so does the customer when the agent owns the chat."""
    agent = await _agent_with_csrf(request)
    shown = await request.app[DESK].agent_typing(_ticket_id(request), agent)
    return web.json_response({"ok": True, "customer_told": shown})


async def satisfaction(request: web.Request) -> web.Response:
    """Supervisors: satisfaction ratings with averages per agent, queue and day (the trend)."""
    await require_supervisor(request)
    limit = request.query.get("limit", "1000")
    if not limit.isdigit() or not 1 <= int(limit) <= 10_000:
        raise web.HTTPBadRequest(text="limit must be a number from 1 to 10000")
    rated = await request.app[STORE].rated_tickets(int(limit))
    return web.json_response(summarize(rated, recent=int(limit)))


# ---- exports -------------------------------------------------------------------------------------
async def export_json(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    ticket = await request.app[DESK].visible_ticket(_ticket_id(request), agent)
    await log_access(request, agent, "exported_json", ticket.ticket_id)
    return web.json_response(
        ticket.model_dump(mode="json"),
        headers={"Content-Disposition": f'attachment; filename="ticket-{ticket.ticket_id}.json"'},
    )


async def export_html(request: web.Request) -> web.StreamResponse:
    agent = await require_agent(request)
    ticket = await request.app[DESK].visible_ticket(_ticket_id(request), agent)
    await log_access(request, agent, "exported_html", ticket.ticket_id)
    context = {"ticket": ticket, "exported": dt.datetime.now(dt.UTC)}
    response = aiohttp_jinja2.render_template("transcript.html", request, context)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# ---- live updates --------------------------------------------------------------------------------
async def websocket(request: web.Request) -> web.StreamResponse:
    agent = await current_agent(request)
    if agent is None:
        raise web.HTTPUnauthorized(text="log in first")
    origin = request.headers.get("Origin")
    if origin and origin.split("://", 1)[-1] != request.host:
        raise web.HTTPForbidden(text="cross-origin websocket refused")
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    hub, desk, presence = request.app[HUB], request.app[DESK], request.app[PRESENCE]
    connection, key = Connection(ws=ws, agent=agent), uuid.uuid4().hex
    hub.add(connection)
    await presence.connected(key, agent.id)
    await _refresh_metrics(desk)
    try:
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break
    finally:
        hub.remove(connection)
        await presence.disconnected(key)
        await _refresh_metrics(desk)
    return ws


async def _refresh_metrics(desk: Desk) -> None:
    """Gauges only: a database or Redis outage must not close an agent's console."""
    try:
        await desk.refresh_metrics()
    except (DatabaseUnavailable, LiveStateUnavailable) as exc:
        log.info("metrics not refreshed: %s", exc)
