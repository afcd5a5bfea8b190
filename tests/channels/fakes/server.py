"""A fake third-party API on 127.0.0.1: an aiohttp app in its own thread that records every request."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web

FIELDS = web.RequestKey("fields", dict)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    fields: dict[str, Any] = field(default_factory=dict)  # form fields or JSON object, whichever was sent


class FakeApi:
    """Subclasses add routes in `routes()`; `requests` lists what arrived, in order."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.base_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.read()
        fields: dict[str, Any] = {}
        if "json" in request.content_type and body:
            fields = json.loads(body)
        elif "form" in request.content_type and "multipart" not in request.content_type:
            fields = {name: values[0] for name, values in parse_qs(body.decode()).items()}
        elif "multipart" in request.content_type:
            fields = {name: str(value) for name, value in (await request.post()).items()}
        self.requests.append(
            Recorded(request.method, request.path, dict(request.query), dict(request.headers), body, fields)
        )
        request[FIELDS] = fields
        return await handler(request)

    def start(self) -> FakeApi:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application(middlewares=[self._record])
            self.routes(app)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.base_url = f"http://127.0.0.1:{port}"
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None or self._runner is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def to(self, recipient: str) -> list[Recorded]:
        raise NotImplementedError
