"""The privacy notice that opens every conversation, for any channel.

A conversation is new when Rasa's tracker store has no tracker for it yet; the channel then puts the
notice before the bot's first reply. A bounded in-memory list of conversations already handled here spares
the question for every later message, and decides alone when the tracker store cannot be asked (no Sanic
app, e.g. in unit tests).
"""

from __future__ import annotations

import logging
import os

from privacy.notice import NoticeMemory, first_contact_notice

log = logging.getLogger(__name__)
_told = NoticeMemory()


def notice_text() -> str:
    raw = os.environ.get("HANDOFF_RETENTION_DAYS", "90")
    days = int(raw) if raw.isdigit() and int(raw) > 0 else 90
    return first_contact_notice(days, os.environ.get("HELP_CENTER_URL"))


async def _tracker_exists(conversation_id: str) -> bool | None:
    try:
        from sanic import Sanic

        agent = getattr(Sanic.get_app().ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        return bool(await agent.tracker_store.exists(conversation_id))
    except Exception as problem:  # no single app, or the store is down: fall back to memory
        log.debug("cannot ask the tracker store whether %s exists: %s", conversation_id, problem)
        return None


async def opening_notice(conversation_id: str) -> str | None:
    """The notice if this is the conversation's first message, else None.

    A conversation this process has already handled a message of was told then, so only a conversation new
    to this process costs a tracker-store query (that query was about a tenth of Rasa's time per message under
    load, docs/performance.md). After a restart, or on another instance, the tracker store decides."""
    if not _told.first_time(conversation_id):
        return None
    exists = await _tracker_exists(conversation_id)
    return None if exists else notice_text()
