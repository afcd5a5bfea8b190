"""Customer-facing help pages for the knowledge-base articles the bot cites (`/help`, `/help/{doc_id}`).

The bot's answer links here, so a customer can read the whole article, not only the short answer. Articles
come from the same folder the index is built from (`HANDOFF_KB_DIR`, default `data/kb`), parsed by the
knowledge base's own ingest. Text is rendered with markdown-it with raw HTML switched off, so nothing in an
article can inject markup or script into the page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web
from markdown_it import MarkdownIt
from markupsafe import Markup

from handoff.handouts import HANDOUTS
from handoff.privacy_cli import retention_days
from knowledge_base.documents import Document
from knowledge_base.errors import IngestError
from knowledge_base.ingest import load_folder

log = logging.getLogger(__name__)

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class HelpCenter:
    documents: dict[str, Document]

    @classmethod
    def load(cls, folder: Path) -> HelpCenter:
        """Every readable article under `folder`; a missing folder gives an empty help center, not a crash."""
        try:
            docs = load_folder(folder)
        except IngestError as exc:
            log.warning("help pages are empty: %s", exc)
            docs = []
        return cls({doc.doc_id: doc for doc in sorted(docs, key=lambda d: d.title.lower())})

    def get(self, doc_id: str) -> Document:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise web.HTTPNotFound(text="There is no help article with that name.") from None


def render_block(block: str) -> Markup:
    return Markup(_MARKDOWN.render(block))


HELP_CENTER = web.AppKey("help_center", HelpCenter)


async def index(request: web.Request) -> web.StreamResponse:
    articles = list(request.app[HELP_CENTER].documents.values())
    handouts = sorted(request.app[HANDOUTS].by_id.values(), key=lambda handout: handout.title.lower())
    return aiohttp_jinja2.render_template(
        "help_index.html", request, {"articles": articles, "handouts": handouts}
    )


async def privacy_notice(request: web.Request) -> web.StreamResponse:
    """The full privacy notice that every conversation's first reply links to."""
    return aiohttp_jinja2.render_template("help_privacy.html", request, {"days": retention_days()})


async def article(request: web.Request) -> web.StreamResponse:
    doc = request.app[HELP_CENTER].get(request.match_info["doc_id"])
    sections = [(section.heading, [render_block(b) for b in section.blocks]) for section in doc.sections]
    return aiohttp_jinja2.render_template("help_article.html", request, {"doc": doc, "sections": sections})
