"""Fake Slack Web API (https://api.slack.com/methods/chat.postMessage): always HTTP 200, {"ok": false,
"error": ...} on failure, as Slack does."""

from __future__ import annotations

import time

from aiohttp import web

from tests.channels.fakes.server import FIELDS, FakeApi, Recorded


class FakeSlack(FakeApi):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/chat.postMessage", self.post_message)

    async def post_message(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        channel = str(request[FIELDS].get("channel") or "")
        if not channel.startswith(("C", "D")):
            return web.json_response({"ok": False, "error": "channel_not_found"})
        return web.json_response({"ok": True, "channel": channel, "ts": f"{time.time():.6f}"})

    def to(self, recipient: str) -> list[Recorded]:
        return [r for r in self.requests if r.fields.get("channel") == recipient]
