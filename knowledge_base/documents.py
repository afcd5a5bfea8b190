"""The parsed form of one source document, independent of its file format."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A heading and the text blocks (paragraphs, lists) under it."""

    heading: str
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    source: str
    sections: tuple[Section, ...]
    content_hash: str
    url: str | None = None
    updated: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    diagnostic_id: str | None = None
    # Other ways customers ask for this article ("is this email legit?"): searched like the title, never shown.
    asked_as: tuple[str, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return "\n\n".join(b for s in self.sections for b in s.blocks)


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_len: int = 60) -> str:
    slug = _SLUG_RE.sub("-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "item"


def content_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()
