"""The privacy notice that opens every conversation, for any channel.

A conversation is new when Rasa's tracker store has no tracker for it yet; the channel then puts the
notice before the bot's first reply. Without a tracker store (no Sanic app, e.g. in unit tests) a bounded
in-memory list of conversations already told decides; when the store is down, no notice. A conversation this
process has already settled (told, or found in the store) is not asked about again.
"""

from __future__ import annotations

import logging
import os

from privacy.notice import NoticeMemory, first_contact_notice, stated_retention_days

log = logging.getLogger(__name__)
_told = NoticeMemory()
_settled = NoticeMemory()  # told, or known to the tracker store: no need to ask it again


def notice_text() -> str:
    return first_contact_notice(stated_retention_days(), os.environ.get("HELP_CENTER_URL"))


def _tracker_store() -> object | None:
    """Rasa's tracker store, or None without a single Sanic app (unit tests)."""
    try:
        from sanic import Sanic

        agent = getattr(Sanic.get_app().ctx, "agent", None)
    except Exception as problem:  # no single app
        log.debug("no Sanic app to ask for the tracker store: %s", problem)
        return None
    return None if agent is None else agent.tracker_store


async def opening_notice(conversation_id: str) -> str | None:
    """The notice if this is the conversation's first message, else None.

    When the tracker store is down, no notice: this message cannot be saved and gets the "send it again"
    answer (bot/channels/failsafe.py), and a conversation served by another Rasa instance until now must
    not look new. The notice comes with the first answer that is saved.

    Once this process has settled a conversation (the store had it, or the notice went out) it is not asked
    again: that query was about a tenth of Rasa's time per message under load (docs/performance.md). After a
    restart, or on another instance, the tracker store decides."""
    store = _tracker_store()
    if store is None:
        return notice_text() if _told.first_time(conversation_id) else None
    if _settled.seen(conversation_id):
        return None
    try:
        exists = bool(await store.exists(conversation_id))  # type: ignore[attr-defined]
    except Exception as problem:
        log.warning("cannot ask the tracker store whether %s exists: %s", conversation_id, problem)
        return None
    _settled.first_time(conversation_id)
    return None if exists else notice_text()
