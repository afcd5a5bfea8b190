"""Fake Telegram Bot API (https://core.telegram.org/bots/api): /bot<token>/<method>, JSON {ok, result};
getFile and the file download /file/bot<token>/<file_path>, with Telegram's errors ("invalid file_id",
"file is too big" past the Bot API's 20 MB)."""

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
        self.files: dict[str, bytes] = {}  # file_id -> content, served by getFile + /file/
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self.call)
        app.router.add_get("/file/bot{token}/{path:.+}", self.file)

    async def call(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method, fields = request.match_info["method"], request[FIELDS]
        if method == "getFile":
            return self.get_file(str(fields.get("file_id") or ""))
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

    def get_file(self, file_id: str) -> web.Response:
        if file_id not in self.files:
            body = {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return web.json_response(body, status=400)
        size = len(self.files[file_id])
        if size > 20 * 1024 * 1024:
            body = {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}
            return web.json_response(body, status=400)
        result = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size}
        return web.json_response({"ok": True, "result": {**result, "file_path": f"photos/{file_id}.jpg"}})

    async def file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].removeprefix("photos/").removesuffix(".jpg")
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    def to(self, recipient: str) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if r.path.endswith("/sendMessage") and str(r.fields.get("chat_id")) == recipient
        ]
