"""The supervisor view's link to the latest support review (the file `python -m analytics report` wrote)."""

from __future__ import annotations

from aiohttp import web

from handoff.auth import require_supervisor
from handoff.state import SETTINGS

# The report is self-contained: it needs nothing from any host, so the browser is told to fetch nothing.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


async def latest_report(request: web.Request) -> web.StreamResponse:
    await require_supervisor(request)
    path = request.app[SETTINGS].report_file
    if path is None or not path.is_file():
        raise web.HTTPNotFound(
            text="No report yet. Run: python -m analytics report --since YYYY-MM-DD --out "
            f"{path or 'FILE.html'} (and set HANDOFF_REPORT_FILE to that file)."
        )
    return web.Response(
        body=path.read_bytes(),
        content_type="text/html",
        charset="utf-8",
        headers={"Content-Security-Policy": _POLICY, "Cache-Control": "no-store"},
    )
