"""Fake Messenger Send API (https://developers.facebook.com/docs/messenger-platform/reference/send-api):
OAuth error 190 for a bad token, error 10 / subcode 2018278 outside the 24-hour window, where the
HUMAN_AGENT tag still works up to 7 days. The user profile GET /v19.0/<PSID>?fields=first_name,last_name
(error 100 for an unknown PSID, 190 for a bad token), and attachment addresses on a CDN path that answers
403 "URL signature expired" once expired."""

from __future__ import annotations

import itertools

from aiohttp import web

from tests.channels.fakes.server import FIELDS, FakeApi, Recorded


class FakeGraph(FakeApi):
    def __init__(self, page_token: str) -> None:
        super().__init__()
        self.page_token = page_token
        self.outside_24h: set[str] = set()  # PSIDs whose last message is 1-7 days old
        self._ids = itertools.count(1)
        self.profiles: dict[str, tuple[str, str]] = {}  # PSID -> first, last name
        self.cdn: dict[str, bytes] = {}
        self.expired: set[str] = set()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v19.0/me/messages", self.send)
        app.router.add_get("/cdn/{name}", self.cdn_file)
        app.router.add_get("/v19.0/{psid}", self.profile)

    def cdn_url(self, name: str) -> str:
        return f"{self.base_url}/cdn/{name}"

    async def cdn_file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name in self.expired or name not in self.cdn:
            return web.Response(status=403, text="URL signature expired")
        return web.Response(body=self.cdn[name], content_type="image/jpeg")

    async def profile(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self.page_token:
            error = {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}
            return web.json_response({"error": error}, status=400)
        psid = request.match_info["psid"]
        if psid not in self.profiles:
            error = {
                "message": "(#100) No profile available for this user.",
                "type": "OAuthException",
                "code": 100,
                "error_subcode": 2018218,
            }
            return web.json_response({"error": error}, status=400)
        first, last = self.profiles[psid]
        return web.json_response({"first_name": first, "last_name": last, "id": psid})

    async def send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self.page_token:
            error = {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}
            return web.json_response({"error": error}, status=400)
        fields = request[FIELDS]
        recipient = str((fields.get("recipient") or {}).get("id"))
        if recipient in self.outside_24h and fields.get("tag") != "HUMAN_AGENT":
            error = {
                "message": "(#10) This message is sent outside of allowed window.",
                "type": "OAuthException",
                "code": 10,
                "error_subcode": 2018278,
            }
            return web.json_response({"error": error}, status=400)
        return web.json_response({"recipient_id": recipient, "message_id": f"m_{next(self._ids)}"})

    def to(self, recipient: str) -> list[Recorded]:
        return [r for r in self.requests if str((r.fields.get("recipient") or {}).get("id")) == recipient]
