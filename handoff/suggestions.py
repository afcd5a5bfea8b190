"""Knowledge at hand: the help articles that fit a ticket's conversation, found with the same knowledge-base
search the bot uses (the index in KB_INDEX_DIR, loaded once, off the event loop)."""

from __future__ import annotations

import asyncio
import logging
import os
from functools import lru_cache
from typing import Any

from handoff.models import Ticket
from knowledge_base.kb import KnowledgeBase

log = logging.getLogger(__name__)
DEFAULT_INDEX_DIR = "var/kb_index"
MAX_SUGGESTIONS = 4
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


async def suggest(ticket: Ticket) -> dict[str, Any]:
    query = query_for(ticket)
    if not query:
        return {"query": "", "articles": []}
    articles = await asyncio.to_thread(_search, query)
    return {"query": query, "articles": articles}
