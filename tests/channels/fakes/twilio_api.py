"""Fake Twilio Messages API (https://www.twilio.com/docs/messaging/api/message-resource): basic auth,
201 on success, error JSON with Twilio's codes (20003 bad credentials, 21610 unsubscribed recipient,
20404 not found). Media at .../Messages/<MM>/Media/<ME> needs the account's basic auth (media auth on) and
redirects (307) to a media store path that needs none, as Twilio does."""

from __future__ import annotations

import base64
import itertools

from aiohttp import web

from tests.channels.fakes.server import FIELDS, FakeApi, Recorded


class FakeTwilio(FakeApi):
    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.account_sid, self.auth_token = account_sid, auth_token
        self.unsubscribed: set[str] = set()
        self.media: dict[str, tuple[bytes, str]] = {}  # ME sid -> content, stated type
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create)
        app.router.add_get("/2010-04-01/Accounts/{sid}/Messages/{mm}/Media/{me}", self.media_item)
        app.router.add_get("/media-store/{me}", self.media_store)

    def media_url(self, media_sid: str) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages/MM1/Media/{media_sid}"

    def _authorised(self, request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return (
            request.headers.get("Authorization") == expected and request.match_info["sid"] == self.account_sid
        )

    async def media_item(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self._error(401, 20003, "Authenticate")
        if request.match_info["me"] not in self.media:
            return self._error(404, 20404, "The requested resource was not found")
        raise web.HTTPTemporaryRedirect(f"/media-store/{request.match_info['me']}")

    async def media_store(self, request: web.Request) -> web.Response:
        if "Authorization" in request.headers:  # the store must never see the account's credentials
            return web.Response(status=400, text="credentials sent to the media store")
        content, stated = self.media[request.match_info["me"]]
        return web.Response(body=content, headers={"Content-Type": stated})

    def _error(self, status: int, code: int, message: str) -> web.Response:
        body = {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        return web.json_response(body, status=status)

    async def create(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.match_info["sid"] != self.account_sid:
            return self._error(401, 20003, "Authenticate")
        fields = request[FIELDS]
        to, sender = fields.get("To", ""), fields.get("From", "")
        if to.startswith("whatsapp:") != sender.startswith("whatsapp:"):
            return self._error(
                400, 21910, "Invalid From and To pair. From and To should be of the same channel"
            )
        if to in self.unsubscribed:
            return self._error(400, 21610, "Attempt to send to unsubscribed recipient")
        sid = f"SM{next(self._ids):032d}"
        return web.json_response(
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": to,
                "from": sender,
                "body": fields.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
            },
            status=201,
        )

    def to(self, recipient: str) -> list[Recorded]:
        return [r for r in self.requests if r.fields.get("To") == recipient]
