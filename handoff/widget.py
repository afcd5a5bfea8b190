"""Serves the website chat widget (web/) and its demo page from the handoff service."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from handoff.state import SETTINGS

PACKAGE_DIR = Path(__file__).parent
STATIC_DIR = PACKAGE_DIR / "static"
WEB_DIR = PACKAGE_DIR.parent / "web"


async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/console")


async def script(request: web.Request) -> web.StreamResponse:
    response = web.FileResponse(WEB_DIR / "widget.js")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


async def demo(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    context = {"rasa_url": settings.public_rasa_url or settings.rasa_url}
    return aiohttp_jinja2.render_template("demo.html", request, context)
