"""Fake Slack Web API (https://api.slack.com/methods/chat.postMessage, users.info): always HTTP 200,
{"ok": false, "error": ...} on failure (invalid_auth, user_not_found), as Slack does. Files at
/files-pri/<team>-<file>/<name> (url_private): with the bot token the bytes, without it Slack's sign-in
page (HTML, status 200)."""

from __future__ import annotations

import time

from aiohttp import web

from tests.channels.fakes.server import FIELDS, FakeApi, Recorded


class FakeSlack(FakeApi):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.users: dict[str, str] = {}  # user id -> display name
        self.files: dict[str, bytes] = {}  # "<team>-<file>/<name>" -> content

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/chat.postMessage", self.post_message)
        app.router.add_get("/api/users.info", self.users_info)
        app.router.add_post("/api/users.info", self.users_info)
        app.router.add_get("/files-pri/{path:.+}", self.file)

    def file_url(self, key: str) -> str:
        return f"{self.base_url}/files-pri/{key}"

    async def users_info(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        user = str(request.query.get("user") or request[FIELDS].get("user") or "")
        if user not in self.users:
            return web.json_response({"ok": False, "error": "user_not_found"})
        profile = {"display_name": self.users[user], "real_name": self.users[user] + " (full)"}
        return web.json_response(
            {"ok": True, "user": {"id": user, "real_name": profile["real_name"], "profile": profile}}
        )

    async def file(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(
                text="<!DOCTYPE html><html><body>Sign in to Slack</body></html>", content_type="text/html"
            )
        content = self.files.get(request.match_info["path"])
        if content is None:
            return web.Response(status=404, text="file_not_found")
        return web.Response(body=content, content_type="application/octet-stream")

    async def post_message(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        channel = str(request[FIELDS].get("channel") or "")
        if not channel.startswith(("C", "D")):
            return web.json_response({"ok": False, "error": "channel_not_found"})
        return web.json_response({"ok": True, "channel": channel, "ts": f"{time.time():.6f}"})

    def to(self, recipient: str) -> list[Recorded]:
        return [r for r in self.requests if r.fields.get("channel") == recipient]
