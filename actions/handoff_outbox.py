"""Handoff requests that could not be delivered, kept on disk and retried until the handoff service takes them.

When the customer asks for a person while the handoff service is down, the request must still reach an
agent. It is written to a small JSON file (``HANDOFF_OUTBOX``, one entry per conversation, so a retry never
doubles a ticket; the service also answers an open conversation's second request with the same ticket) and
sent again every ``RETRY_SECONDS`` from the action server's event loop, also after the action server restarts
(the next handoff action starts the retry loop). An entry is removed once the service accepted it, or when the
service refuses it outright (4xx: sending it again would not help).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from handoff.client import HandoffClient
from handoff.errors import RequestRejected, ServiceUnavailable

log = logging.getLogger(__name__)

DEFAULT_OUTBOX = "var/handoff_outbox.json"
RETRY_SECONDS = 5.0

_retrying: asyncio.Task[None] | None = None


def outbox_path() -> Path:
    return Path(os.environ.get("HANDOFF_OUTBOX") or DEFAULT_OUTBOX)


def read_outbox(path: Path) -> dict[str, dict[str, Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.exception("handoff outbox %s is unreadable; starting a new one", path)
        return {}
    return entries if isinstance(entries, dict) else {}


def _write_outbox(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as handle:
        json.dump(entries, handle)
    os.replace(handle.name, path)  # atomic: a crash never leaves half a file


def keep_for_retry(request: dict[str, Any]) -> None:
    """Store the request (replacing an older one for the same conversation) and make sure it is retried."""
    path = outbox_path()
    entries = read_outbox(path)
    entries[str(request["conversation_id"])] = request
    _write_outbox(path, entries)


def _forget(conversation_id: str) -> None:
    path = outbox_path()
    entries = read_outbox(path)
    if entries.pop(conversation_id, None) is not None:
        _write_outbox(path, entries)


async def deliver_pending(client: HandoffClient) -> int:
    """Send every stored request once; return how many are still waiting."""
    waiting = 0
    for conversation_id, request in read_outbox(outbox_path()).items():
        try:
            answer = await client.create_handoff(request)
        except ServiceUnavailable:
            waiting += 1
            continue
        except RequestRejected as exc:
            log.error("conversation %s: stored handoff refused, dropped: %s", conversation_id, exc)
        else:
            log.info(
                "conversation %s: stored handoff delivered as ticket %s", conversation_id, answer["ticket_id"]
            )
        _forget(conversation_id)
    return waiting


async def _retry_until_empty(client: HandoffClient) -> None:
    try:
        while await deliver_pending(client):
            await asyncio.sleep(RETRY_SECONDS)
    except Exception:
        log.exception("retrying stored handoffs failed; the next handoff action starts it again")


def ensure_retrying(client: HandoffClient | None) -> None:
    """Start the retry loop in the running event loop when requests are waiting and no loop runs yet."""
    global _retrying
    if client is None or (_retrying is not None and not _retrying.done()):
        return
    if not read_outbox(outbox_path()):
        return
    _retrying = asyncio.get_running_loop().create_task(_retry_until_empty(client))


def stop_retrying() -> None:
    """Cancel the retry loop (stored requests stay on disk for the next start)."""
    global _retrying
    if _retrying is not None:
        _retrying.cancel()
        _retrying = None
