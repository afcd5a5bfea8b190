"""Fake Telegram Bot API (https://core.telegram.org/bots/api): /bot<token>/<method>, JSON {ok, result}."""

from __future__ import annotations

import itertools
import time

from aiohttp import web

from tests.channels.fakes.server import FIELDS, FakeApi, Recorded


class FakeTelegram(FakeApi):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.blocked_chats: set[str] = set()
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self.call)

    async def call(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method, fields = request.match_info["method"], request[FIELDS]
        if method in ("answerCallbackQuery", "sendChatAction", "setWebhook"):
            return web.json_response({"ok": True, "result": True})
        if method != "sendMessage":
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        chat = str(fields.get("chat_id"))
        if chat in self.blocked_chats:
            body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return web.json_response(body, status=403)
        result = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": int(chat), "type": "private"},
            "text": fields.get("text", ""),
        }
        return web.json_response({"ok": True, "result": result})

    def to(self, recipient: str) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if r.path.endswith("/sendMessage") and str(r.fields.get("chat_id")) == recipient
        ]
