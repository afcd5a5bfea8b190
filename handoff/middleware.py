"""One place that turns errors into HTTP responses: JSON for /api, plain pages for the console."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from handoff.errors import DuplicateUser, InvalidTransition, NotYourQueue, TicketNotFound, UserNotFound

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith(("/api/", "/console/api/")) or request.path in ("/metrics", "/health")


def _error(request: web.Request, status: int, message: str) -> web.Response:
    if _wants_json(request) or request.headers.get("Accept", "").startswith("application/json"):
        return web.json_response({"error": message}, status=status)
    return web.Response(text=f"{status}: {message}", status=status, content_type="text/plain")


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
    except web.HTTPException as exc:
        if exc.status < 400:
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
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
