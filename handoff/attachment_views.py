"""Customers' files over HTTP: the bot's channels hand one in (bearer), agents download it (signed in, the
same access rule as the transcript). A download is always a download: Content-Disposition attachment, the
checked content type, nosniff and a sandboxing CSP, so the browser never renders or runs it."""

from __future__ import annotations

from urllib.parse import quote, unquote

from aiohttp import web

from customer_files.kinds import MAX_FILE_BYTES
from handoff.auth import require_agent, require_bearer
from handoff.file_intake import TOO_BIG, FileRefused, receive_file
from handoff.privacy_access import log_access
from handoff.state import DESK, FILES, HUB, STORE
from privacy import redact

_CHUNK = 64 * 1024


async def _body_within_limit(request: web.Request) -> bytes:
    """The request body, stopping as soon as it passes the limit (never held whole when too big)."""
    if request.content_length is not None and request.content_length > MAX_FILE_BYTES:
        raise FileRefused(413, TOO_BIG)
    chunks, total = [], 0
    async for chunk in request.content.iter_chunked(_CHUNK):
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise FileRefused(413, TOO_BIG)
        chunks.append(chunk)
    return b"".join(chunks)


async def upload(request: web.Request) -> web.Response:
    """POST /api/conversations/{conversation_id}/attachments?channel=.. with the file as the body and its name
    in the X-File-Name header (percent-encoded; `?name=` is still read from older bots). The name is
    redacted like any customer text before it is stored or logged."""
    require_bearer(request)
    conversation_id = request.match_info["conversation_id"]
    channel = request.query.get("channel", "")
    name = redact(unquote(request.headers.get("X-File-Name", "")) or request.query.get("name", "")).text
    if not 0 < len(conversation_id) <= 200 or not 0 < len(channel) <= 50 or len(name) > 500:
        return web.json_response(
            {
                "error": "give the conversation id (1-200 characters), channel (1-50) and a name of at most 500"
            },
            status=400,
        )
    try:
        data = await _body_within_limit(request)
        item = await receive_file(
            request.app[STORE], request.app[FILES], request.app[HUB], conversation_id, channel, name, data
        )
    except FileRefused as refused:
        return web.json_response({"error": str(refused)}, status=refused.status)
    return web.json_response({"attachment": item.model_dump(mode="json")}, status=201)


def _disposition(name: str) -> str:
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


async def download(request: web.Request) -> web.StreamResponse:
    """GET /console/tickets/{ticket_id}/files/{attachment_id}"""
    agent = await require_agent(request)
    raw = request.match_info["ticket_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound(text="not found")
    ticket = await request.app[DESK].visible_ticket(int(raw), agent, with_messages=False)
    item = await request.app[STORE].get_attachment(request.match_info["attachment_id"][:64])
    if item is None or item.ticket_id != ticket.ticket_id:
        raise web.HTTPNotFound(text="not found")
    path = request.app[FILES].path(item.id)
    if not path.is_file():
        raise web.HTTPNotFound(text="the file is no longer stored")
    await log_access(request, agent, "downloaded_file", ticket.ticket_id)
    headers = {
        "Content-Type": item.content_type,
        "Content-Disposition": _disposition(item.name),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, no-store",
    }
    return web.FileResponse(path, headers=headers)
