"""One place that turns errors into HTTP responses: JSON for /api, plain pages for the console."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from handoff.errors import (
    DatabaseUnavailable,
    DuplicateUser,
    InvalidTransition,
    LiveStateUnavailable,
    NotYourQueue,
    TicketNotFound,
    UserNotFound,
)
from handoff.state import SETTINGS

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# Console, widget page and help pages: scripts and styles from this service only (the help pages and the
# transcript export have small inline styles), nothing framed, no plugins. The widget talks to Rasa's
# socket.io on another port, so connect-src also allows the configured Rasa URL.
def content_security_policy(rasa_url: str | None) -> str:
    connect = ["'self'"]
    if rasa_url:
        origin = rasa_url.rstrip("/")
        connect += [origin, origin.replace("http://", "ws://", 1).replace("https://", "wss://", 1)]
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            f"connect-src {' '.join(connect)}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _is_https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def _harden(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.content_type == "text/html" and "Content-Security-Policy" not in response.headers:
        settings = request.app.get(SETTINGS)
        response.headers["Content-Security-Policy"] = content_security_policy(
            str(settings.rasa_url) if settings is not None else None
        )
    # Behind TLS the session cookie must never travel over plain HTTP (loopback tests run without TLS).
    if _is_https(request):
        for cookie in response.cookies.values():
            cookie["secure"] = True
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith(("/api/", "/console/api/")) or request.path in ("/metrics", "/health")


def _error(request: web.Request, status: int, message: str) -> web.Response:
    if _wants_json(request) or request.headers.get("Accept", "").startswith("application/json"):
        return web.json_response({"error": message}, status=status)
    return web.Response(text=f"{status}: {message}", status=status, content_type="text/plain")


DATABASE_DOWN = (
    "The ticket database is not answering right now. Nothing you saved before is lost; try again in a minute."
)
LIVE_STATE_DOWN = (
    "Live agent status (who is online) is not answering right now. Tickets are safe; try again in a minute."
)
RETRY_AFTER_SECONDS = 5


def _unavailable(request: web.Request, message: str) -> web.Response:
    response = _error(request, 503, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except (TicketNotFound, UserNotFound):
        return _error(request, 404, "not found")
    except NotYourQueue as exc:
        return _error(request, 403, str(exc))
    except InvalidTransition as exc:
        return _error(request, 409, str(exc))
    except DuplicateUser:
        return _error(request, 409, "user exists")
    except DatabaseUnavailable as exc:
        log.warning("%s %s: %s", request.method, request.path, exc)
        return _unavailable(request, DATABASE_DOWN)
    except LiveStateUnavailable as exc:
        log.warning("%s %s: %s", request.method, request.path, exc)
        return _unavailable(request, LIVE_STATE_DOWN)
    except web.HTTPException as exc:
        if exc.status < 400:
            _harden(request, exc)  # redirects carry the login's session cookie
            raise
        if exc.status in (401, 403, 404, 405, 413, 415) or _wants_json(request):
            response = _error(
                request, exc.status, exc.text if exc.content_type == "text/plain" and exc.text else exc.reason
            )
            if exc.status == 401 and _wants_json(request):
                response.headers["WWW-Authenticate"] = "Bearer"
            if exc.status == 405:
                response.headers["Allow"] = exc.headers.get("Allow", "")
            return response
        raise
    except Exception:
        # The traceback goes to the log; the client never sees the request echoed back.
        log.exception("unhandled error in %s %s", request.method, request.path)
        return _error(request, 500, "internal error")
    _harden(request, response)
    return response
