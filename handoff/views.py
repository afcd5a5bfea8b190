"""HTTP API handlers (bot → handoff, and read access for agents). Thin: parse, call the desk, answer."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field

from handoff.auth import require_bearer, require_bot_or_agent
from handoff.body import read_model
from handoff.desk import Desk
from handoff.models import EMAIL_PATTERN, HandoffRequest
from handoff.state import DESK, METRICS, STORE


def _ticket_id(request: web.Request) -> int:
    raw = request.match_info["ticket_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound(text="not found")
    return int(raw)


def _desk(request: web.Request) -> Desk:
    return request.app[DESK]


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    await require_bot_or_agent(request)
    await _desk(request).refresh_metrics()
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def create_handoff(request: web.Request) -> web.Response:
    require_bearer(request)
    handoff = await read_model(request, HandoffRequest)
    ticket, info, created = await _desk(request).open_handoff(handoff)
    body: dict[str, Any] = {
        "ticket_id": ticket.ticket_id,
        "status": ticket.status,
        "created": created,
        **info.as_json(),
    }
    return web.json_response(body, status=201 if created else 200)


async def get_handoff(request: web.Request) -> web.Response:
    await require_bot_or_agent(request)
    ticket = await request.app[STORE].get_ticket(_ticket_id(request))
    info = await _desk(request).queue_info(ticket)
    return web.json_response({**ticket.model_dump(mode="json"), **info.as_json()})


async def conversation_handoffs(request: web.Request) -> web.Response:
    await require_bot_or_agent(request)
    conversation_id = request.match_info["conversation_id"]
    tickets = await request.app[STORE].tickets_for_conversation(conversation_id)
    return web.json_response(
        {"conversation_id": conversation_id, "handoffs": [t.model_dump(mode="json") for t in tickets]}
    )


async def customer_tickets(request: web.Request) -> web.Response:
    """A customer's own tickets, newest first, for "what's happening with my request?" (bot or agent)."""
    await require_bot_or_agent(request)
    channel_user_id = request.match_info["channel_user_id"]
    if not 1 <= len(channel_user_id) <= 200:
        raise web.HTTPNotFound(text="not found")
    tickets = await request.app[STORE].tickets_for_customer(channel_user_id)
    return web.json_response(
        {"channel_user_id": channel_user_id, "tickets": [t.model_dump(mode="json") for t in tickets]}
    )


async def customer_typing(request: web.Request) -> web.Response:
    """The web chat channel reports that the customer is typing; consoles show it while a person owns the
    chat. `shown` says whether an agent-owned chat was found."""
    require_bearer(request)
    conversation_id = request.match_info["conversation_id"]
    if len(conversation_id) > 200:
        raise web.HTTPNotFound(text="not found")
    ticket_id = await _desk(request).customer_typing(conversation_id)
    return web.json_response({"shown": ticket_id is not None}, status=202)


async def cancel_handoff(request: web.Request) -> web.Response:
    require_bearer(request)
    ticket = await _desk(request).cancel(_ticket_id(request))
    return web.json_response({"ticket_id": ticket.ticket_id, "status": ticket.status})


class Feedback(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


async def put_feedback(request: web.Request) -> web.Response:
    require_bearer(request)
    feedback = await read_model(request, Feedback)
    ticket = await _desk(request).record_feedback(_ticket_id(request), feedback.rating, feedback.comment)
    return web.json_response(
        {
            "ticket_id": ticket.ticket_id,
            "rating": ticket.satisfaction_rating,
            "comment": ticket.satisfaction_comment,
        }
    )


class Callback(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    consent: bool
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)
    phone: str | None = Field(default=None, max_length=40, pattern=r"^[0-9+() .-]{5,40}$")
    preferred_time: str | None = Field(default=None, max_length=200)


async def put_callback(request: web.Request) -> web.Response:
    require_bearer(request)
    callback = await read_model(request, Callback)
    if not callback.consent:
        raise web.HTTPBadRequest(text="consent is required to store contact details")
    if not (callback.email or callback.phone):
        raise web.HTTPBadRequest(text="give an email address or a phone number")
    ticket = await _desk(request).record_callback(_ticket_id(request), callback.model_dump(mode="json"))
    return web.json_response({"ticket_id": ticket.ticket_id, "callback": ticket.callback})
