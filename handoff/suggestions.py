"""Knowledge at hand: the help articles that fit a ticket's conversation, found with the same knowledge-base
search the bot uses (the index in KB_INDEX_DIR, loaded once, off the event loop), and the diagnostic scripts
that fit it as handouts: the script the customer was already in first, then those the articles lead to."""

from __future__ import annotations

import asyncio
import logging
import os
from functools import lru_cache
from typing import Any

from handoff.handouts import Handouts
from handoff.models import Ticket
from knowledge_base.kb import KnowledgeBase

log = logging.getLogger(__name__)
DEFAULT_INDEX_DIR = "var/kb_index"
MAX_SUGGESTIONS = 4
MAX_SCRIPT_SUGGESTIONS = 3
_ARTICLES_LEADING_TO_SCRIPTS = 2
_RECENT_CUSTOMER_LINES = 3


class SuggestionsUnavailable(RuntimeError):
    """The knowledge base index could not be loaded."""


@lru_cache(maxsize=1)
def _knowledge_base(index_dir: str) -> KnowledgeBase:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return KnowledgeBase.load(index_dir)


def query_for(ticket: Ticket) -> str:
    """What the customer said most recently (their own words, not button payloads), else the summary."""
    said = [m.text for m in ticket.transcript if m.role == "customer" and not m.text.startswith("/")]
    return " ".join(said[-_RECENT_CUSTOMER_LINES:]).strip()[:1000] or ticket.summary[:1000]


def _search(query: str) -> list[dict[str, Any]]:
    index_dir = os.environ.get("KB_INDEX_DIR") or DEFAULT_INDEX_DIR
    try:
        kb = _knowledge_base(index_dir)
    except Exception as exc:  # a missing or broken index must not break the console
        _knowledge_base.cache_clear()
        raise SuggestionsUnavailable(f"the knowledge base index in {index_dir} could not be loaded") from exc
    shown: list[dict[str, Any]] = []
    for hit in kb.search(query, k=MAX_SUGGESTIONS):
        shown.append(
            {
                "doc_id": hit.doc_id,
                "title": hit.title,
                "answer": hit.answer[:400],
                "score": round(float(hit.score), 3),
                "link": f"/help/{hit.doc_id}",
                "diagnostic_id": hit.diagnostic_id,
            }
        )
    return shown


def scripts_tried(ticket: Ticket) -> list[str]:
    """The scripts the customer went through with the bot, latest first."""
    found: list[str] = []
    for action in reversed(ticket.actions_taken):
        script_id = action.get("script_id") or action.get("diagnostic_id")
        if action.get("type") == "diagnostic_step" and isinstance(script_id, str) and script_id not in found:
            found.append(script_id)
    return found


def handouts_for(ticket: Ticket, articles: list[dict[str, Any]], handouts: Handouts) -> list[dict[str, Any]]:
    # Only the best articles' scripts: a weak fourth hit's script is noise beside the one the customer was in.
    led_to = [a["diagnostic_id"] for a in articles[:_ARTICLES_LEADING_TO_SCRIPTS] if a.get("diagnostic_id")]
    tried = scripts_tried(ticket)
    wanted = tried + led_to
    shown: list[dict[str, Any]] = []
    for script_id in dict.fromkeys(wanted):
        handout = handouts.by_id.get(script_id)
        if handout is None:
            continue
        shown.append(
            {
                "script_id": handout.id,
                "title": handout.title,
                "summary": handout.summary,
                "steps": len(handout.steps),
                "link": handout.link,
                "tried": script_id in tried,
            }
        )
    return shown[:MAX_SCRIPT_SUGGESTIONS]


async def suggest(ticket: Ticket, handouts: Handouts) -> dict[str, Any]:
    query = query_for(ticket)
    articles = await asyncio.to_thread(_search, query) if query else []
    return {"query": query, "articles": articles, "scripts": handouts_for(ticket, articles, handouts)}
