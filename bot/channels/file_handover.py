"""Pass a downloaded file to the handoff service, which stores it with the conversation's ticket
(POST {HANDOFF_URL}/api/conversations/{id}/attachments, bearer HANDOFF_API_TOKEN). The service checks the
file again; its 413 / 415 mean refused, anything else means it could not be stored.

The customer's file name is customer text ("card 4111 1111 1111 1111.jpg"): it is redacted like a message
and sent in a header (`X-File-Name`, percent-encoded), never in the address, which web servers and proxies
write to their logs."""

from __future__ import annotations

import asyncio
import os
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.channels.file_download import FileNotAccepted, FileNotFetched, FileTooBig
from privacy import redact

TIMEOUT = aiohttp.ClientTimeout(total=30)
NAME_HEADER = "X-File-Name"
MAX_NAME_CHARS = 500


async def hand_over(
    session: aiohttp.ClientSession, conversation_id: str, channel: str, name: str, data: bytes
) -> dict[str, Any]:
    """The stored attachment: {id, name, content_type, size, received_at, ticket_id}."""
    base, token = os.environ.get("HANDOFF_URL", "").rstrip("/"), os.environ.get("HANDOFF_API_TOKEN", "")
    if not base or not token:
        raise FileNotFetched("HANDOFF_URL or HANDOFF_API_TOKEN is not set: files cannot be stored")
    url = f"{base}/api/conversations/{quote(conversation_id, safe='')}/attachments"
    try:
        async with session.post(
            url,
            params={"channel": channel},
            data=data,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream",
                NAME_HEADER: quote(redact(name).text[:MAX_NAME_CHARS], safe=""),
            },
            timeout=TIMEOUT,
        ) as response:
            body = await response.json(content_type=None)
            if response.status == 201 and isinstance(body, dict) and isinstance(body.get("attachment"), dict):
                return body["attachment"]
            error = body.get("error") if isinstance(body, dict) else None
            if response.status == 413:
                raise FileTooBig(str(error))
            if response.status == 415:
                raise FileNotAccepted(str(error))
            raise FileNotFetched(f"the handoff service answered {response.status}: {error}")
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        raise FileNotFetched(f"the handoff service could not be reached ({type(exc).__name__})") from None
