"""The supervisor view's link to the latest support review (the file `python -m analytics report` wrote).

Before the first report there is nothing to link: the supervisor view shows the command that writes it."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from handoff.auth import require_supervisor
from handoff.state import SETTINGS

# The report is self-contained: it needs nothing from any host, so the browser is told to fetch nothing.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def create_command(path: Path) -> str:
    """The command that writes the report where the service looks for it (HANDOFF_REPORT_FILE)."""
    return f".venv/bin/python -m analytics report --since YYYY-MM-DD --out {path}"


def report_exists(path: Path) -> bool:
    return path.is_file()


async def latest_report(request: web.Request) -> web.StreamResponse:
    await require_supervisor(request)
    path = request.app[SETTINGS].report_file
    if not report_exists(path):
        raise web.HTTPNotFound(
            text=f"No support review yet. Write one with: {create_command(path)}"
            " (or set HANDOFF_REPORT_FILE to where it is)."
        )
    return web.Response(
        body=path.read_bytes(),
        content_type="text/html",
        charset="utf-8",
        headers={"Content-Security-Policy": _POLICY, "Cache-Control": "no-store"},
    )
