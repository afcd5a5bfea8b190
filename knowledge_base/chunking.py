"""Split documents into chunks along headings and paragraphs.

A block that is too long is split on sentence boundaries from spaCy's rule-based sentencizer, so a chunk
never ends mid-sentence. Lists stay whole when they fit, because steps make sense only together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from knowledge_base.documents import Document

DEFAULT_MAX_CHARS = 900


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    title: str
    section: str
    source: str
    url: str | None
    updated: str | None
    text: str
    # A customer's phrasing of the question (Document.asked_as), not article text: matched, never quoted.
    asked: bool = False

    def embed_text(self) -> str:
        """What the embedder sees: the title and section give a short chunk its topic; a phrasing is
        compared as it is, question to question."""
        if self.asked:
            return self.text
        head = f"{self.title}. {self.section}." if self.section else f"{self.title}."
        return f"{head}\n{self.text}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Chunk:
        return cls(**obj)


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


def split_sentences(text: str) -> list[str]:
    return [s.text.strip() for s in _sentencizer()(text).sents if s.text.strip()]


def _pieces(block: str, max_chars: int) -> list[str]:
    if len(block) <= max_chars:
        return [block]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(block):
        while len(sentence) > max_chars:  # one giant "sentence": cut on whitespace
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Pack whole blocks of one section into chunks of at most `max_chars` characters."""
    if max_chars < 50:
        raise ValueError("max_chars must be at least 50")
    chunks: list[Chunk] = []

    def emit(section: str, text: str, asked: bool = False) -> None:
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}#{len(chunks)}",
                doc_id=doc.doc_id,
                title=doc.title,
                section=section,
                source=doc.source,
                url=doc.url,
                updated=doc.updated,
                text=text,
                asked=asked,
            )
        )

    for section in doc.sections:
        current = ""
        for block in section.blocks:
            for piece in _pieces(block, max_chars):
                if current and len(current) + 2 + len(piece) > max_chars:
                    emit(section.heading, current)
                    current = piece
                else:
                    current = f"{current}\n\n{piece}" if current else piece
        if current:
            emit(section.heading, current)
    if not chunks:
        emit("", doc.title)
    for phrasing in doc.asked_as:  # after the text, so the first chunk stays the article's own words
        emit("", phrasing, asked=True)
    return chunks
