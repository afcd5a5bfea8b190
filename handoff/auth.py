"""Who is calling: the bot with its bearer token, or an agent with a session cookie."""

from __future__ import annotations

import hmac
import os
import secrets
import time

from aiohttp import web
from aiohttp_session import get_session

from handoff.errors import UserNotFound
from handoff.state import SETTINGS, STORE
from handoff.users import Agent

SESSION_USER = "user_id"
SESSION_CSRF = "csrf"
SESSION_SEEN = "seen"
# A console left alone this long asks for the password again ($HANDOFF_SESSION_IDLE_MINUTES).
DEFAULT_IDLE_MINUTES = 30


def has_bearer(request: web.Request) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    expected = request.app[SETTINGS].api_token.get_secret_value()
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected.encode())


def require_bearer(request: web.Request) -> None:
    if not has_bearer(request):
        raise web.HTTPUnauthorized(text="missing or wrong bearer token")


def idle_limit_seconds() -> float:
    raw = os.environ.get("HANDOFF_SESSION_IDLE_MINUTES", str(DEFAULT_IDLE_MINUTES))
    return 60 * (float(raw) if raw.replace(".", "", 1).isdigit() and float(raw) > 0 else DEFAULT_IDLE_MINUTES)


async def current_agent(request: web.Request) -> Agent | None:
    session = await get_session(request)
    user_id = session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    now = time.time()
    seen = session.get(SESSION_SEEN)
    if isinstance(seen, int | float) and now - seen > idle_limit_seconds():
        session.invalidate()
        return None
    session[SESSION_SEEN] = int(now)
    try:
        return await request.app[STORE].get_user(user_id)
    except UserNotFound:
        session.invalidate()
        return None


async def require_agent(request: web.Request) -> Agent:
    agent = await current_agent(request)
    if agent is None:
        if (
            request.path.startswith("/console/api")
            or not request.path.startswith("/console")
            or request.method != "GET"
        ):
            raise web.HTTPUnauthorized(text="log in first")
        raise web.HTTPFound("/console/login")
    return agent


async def require_supervisor(request: web.Request) -> Agent:
    agent = await require_agent(request)
    if not agent.is_supervisor:
        raise web.HTTPForbidden(text="supervisors only")
    return agent


async def require_bot_or_agent(request: web.Request) -> None:
    if has_bearer(request):
        return
    await require_agent(request)


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


async def check_csrf(request: web.Request, submitted: str | None) -> None:
    """Double check for state-changing console requests: the session's token must come back."""
    session = await get_session(request)
    expected = session.get(SESSION_CSRF)
    # Bytes: compare_digest refuses str with non-ASCII characters (a forged form field was a 500).
    if (
        not isinstance(expected, str)
        or not submitted
        or not hmac.compare_digest(submitted.encode(), expected.encode())
    ):
        raise web.HTTPForbidden(text="bad or missing CSRF token; reload the page")
