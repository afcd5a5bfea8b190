"""The bot's client for the handoff API (used by the action server). Every call has a timeout."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp

from handoff.errors import RequestRejected, ServiceUnavailable

DEFAULT_TIMEOUT = 5.0


class HandoffClient:
    """Calls the handoff service with the bot's bearer token; one short-lived HTTP session per call."""

    def __init__(self, base_url: str, token: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout, headers=self._headers) as session,
                session.request(method, f"{self._base}{path}", json=body) as response,
            ):
                payload = await response.json(content_type=None)
                if response.status >= 500:
                    raise ServiceUnavailable(f"handoff service answered {response.status}")
                if response.status >= 400:
                    message = payload.get("error", "") if isinstance(payload, dict) else ""
                    raise RequestRejected(response.status, str(message))
                return payload if isinstance(payload, dict) else {}
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ServiceUnavailable(f"handoff service unreachable: {type(exc).__name__}") from exc

    async def create_handoff(self, request: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", "/api/handoffs", request)

    async def get_handoff(self, ticket_id: int) -> dict[str, Any]:
        return await self._call("GET", f"/api/handoffs/{int(ticket_id)}")

    async def customer_tickets(self, channel_user_id: str) -> list[dict[str, Any]]:
        """The customer's own tickets, newest first."""
        body = await self._call("GET", f"/api/customers/{quote(channel_user_id, safe='')}/tickets")
        tickets = body.get("tickets")
        return tickets if isinstance(tickets, list) else []

    async def cancel(self, ticket_id: int) -> dict[str, Any]:
        return await self._call("POST", f"/api/handoffs/{int(ticket_id)}/cancel")

    async def feedback(self, ticket_id: int, rating: int, comment: str | None) -> dict[str, Any]:
        return await self._call(
            "PUT", f"/api/handoffs/{int(ticket_id)}/feedback", {"rating": rating, "comment": comment}
        )

    async def callback(self, ticket_id: int, details: dict[str, Any]) -> dict[str, Any]:
        return await self._call("PUT", f"/api/handoffs/{int(ticket_id)}/callback", details)
