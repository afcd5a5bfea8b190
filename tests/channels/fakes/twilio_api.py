"""Fake Twilio Messages API (https://www.twilio.com/docs/messaging/api/message-resource): basic auth,
201 on success, error JSON with Twilio's codes (20003 bad credentials, 21610 unsubscribed recipient)."""

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
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create)

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
