"""Incremental build: re-embed only documents whose content hash changed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from knowledge_base.answering import short_answer
from knowledge_base.calibration import Calibration, load_calibration
from knowledge_base.chunking import DEFAULT_MAX_CHARS, Chunk, chunk_document
from knowledge_base.documents import Document
from knowledge_base.embedder import Embedder, make_embedder
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.ingest import load_folder
from knowledge_base.kb import KnowledgeBase
from knowledge_base.store import (
    DocInfo,
    IndexParams,
    StoredIndex,
    ensure_replaceable,
    read_index,
    write_index,
)
from knowledge_base.vector_index import DEFAULT_APPROX_THRESHOLD, VectorIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    n_docs: int
    n_chunks: int
    added: int
    changed: int
    removed: int
    unchanged: int
    embedded_chunks: int
    seconds: float
    wrote: bool
    index_kind: str
    recall_at_10: float | None

    def summary(self) -> str:
        if not self.wrote:
            return f"Up to date: {self.n_docs} documents, {self.n_chunks} chunks; nothing re-embedded."
        recall = f", recall@10 vs exact {self.recall_at_10:.3f}" if self.recall_at_10 is not None else ""
        return (
            f"Built {self.index_kind} index: {self.n_docs} documents ({self.added} added, {self.changed} changed, "
            f"{self.removed} removed, {self.unchanged} unchanged), {self.n_chunks} chunks, "
            f"{self.embedded_chunks} embedded in {self.seconds:.1f}s{recall}."
        )


def _doc_info(doc: Document, key: str) -> DocInfo:
    return DocInfo(
        doc_id=doc.doc_id,
        title=doc.title,
        source=doc.source,
        url=doc.url,
        updated=doc.updated,
        content_hash=key,
        answer=short_answer(doc),
        tags=doc.tags,
        diagnostic_id=doc.diagnostic_id,
    )


def build_stored(
    documents: Sequence[Document],
    embedder: Embedder,
    calibration: Calibration,
    *,
    chunk_max_chars: int = DEFAULT_MAX_CHARS,
    approx_threshold: int = DEFAULT_APPROX_THRESHOLD,
    previous: StoredIndex | None = None,
    show_progress: bool = False,
) -> tuple[StoredIndex, BuildReport]:
    """Chunk and embed `documents`, reusing vectors from `previous` for unchanged ones."""
    start = time.perf_counter()
    reuse: dict[str, tuple[list[Chunk], np.ndarray]] = {}
    reuse_titles: dict[str, np.ndarray] = {}
    old_hashes: dict[str, str] = {}
    if (
        previous is not None
        and previous.params.model == embedder.name
        and previous.params.chunk_max_chars == chunk_max_chars
    ):
        old_hashes = {d.doc_id: d.content_hash for d in previous.docs.values()}
        rows_by_doc: dict[str, list[int]] = {}
        for row, chunk in enumerate(previous.chunks):
            rows_by_doc.setdefault(chunk.doc_id, []).append(row)
        for doc_id, rows in rows_by_doc.items():
            reuse[doc_id] = ([previous.chunks[r] for r in rows], previous.vectors[rows])
        reuse_titles = dict(zip(previous.docs, previous.title_vectors, strict=True))
    chunks: list[Chunk] = []
    parts: list[np.ndarray | None] = []
    todo: list[Chunk] = []
    titles: list[np.ndarray | None] = []
    docs: dict[str, DocInfo] = {}
    added = changed = unchanged = 0
    for doc in documents:
        if doc.doc_id in docs:  # the index keeps one entry per id; a second would misalign the vectors
            raise KnowledgeBaseError(
                f"document id {doc.doc_id!r} is used twice ({doc.source}); ids must be unique"
            )
        docs[doc.doc_id] = _doc_info(doc, doc.content_hash)
        if (
            old_hashes.get(doc.doc_id) == doc.content_hash
            and doc.doc_id in reuse
            and doc.doc_id in reuse_titles
        ):
            doc_chunks, doc_vectors = reuse[doc.doc_id]
            unchanged += 1
            chunks.extend(doc_chunks)
            parts.append(doc_vectors)
            titles.append(reuse_titles[doc.doc_id])
            continue
        if doc.doc_id in old_hashes:
            changed += 1
        else:
            added += 1
        doc_chunks = chunk_document(doc, chunk_max_chars)
        chunks.extend(doc_chunks)
        todo.extend(doc_chunks)
        parts.append(None)
        titles.append(None)
    removed = len(set(old_hashes) - set(docs))
    new_vectors = (
        embedder.encode([c.embed_text() for c in todo], show_progress=show_progress)
        if todo
        else np.zeros((0, embedder.dim), np.float32)
    )
    assembled: list[np.ndarray] = []
    cursor = 0
    doc_chunk_counts = _chunks_per_doc(chunks)
    for doc, part in zip(documents, parts, strict=True):
        if part is None:
            n = doc_chunk_counts[doc.doc_id]
            assembled.append(new_vectors[cursor : cursor + n])
            cursor += n
        else:
            assembled.append(part)
    vectors = np.concatenate(assembled) if assembled else np.zeros((0, embedder.dim), np.float32)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    title_vectors = _title_vectors(documents, titles, embedder)
    index = VectorIndex.build(vectors, approx_threshold=approx_threshold)
    params = IndexParams(
        model=embedder.name,
        dim=embedder.dim,
        chunk_max_chars=chunk_max_chars,
        approx_threshold=approx_threshold,
        index=index.info,
        decision=calibration.decision,
        calibration_fitted_on=calibration.fitted_on,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    report = BuildReport(
        n_docs=len(docs),
        n_chunks=len(chunks),
        added=added,
        changed=changed,
        removed=removed,
        unchanged=unchanged,
        embedded_chunks=len(todo),
        seconds=time.perf_counter() - start,
        wrote=True,
        index_kind=index.info.kind,
        recall_at_10=index.info.recall_at_10,
    )
    return StoredIndex(params, docs, chunks, vectors, index, title_vectors), report


def _title_vectors(
    documents: Sequence[Document], kept: Sequence[np.ndarray | None], embedder: Embedder
) -> np.ndarray:
    """One vector per document's title, in document order: kept ones reused, the rest embedded.

    Documents sharing a title (several answers to one FAQ question) share one embedding; a document with
    no title gets a zero vector, so its title never outscores its text.
    """
    out = np.zeros((len(documents), embedder.dim), np.float32)
    todo: dict[str, list[int]] = {}
    for i, (doc, vector) in enumerate(zip(documents, kept, strict=True)):
        if vector is not None:
            out[i] = vector
        elif doc.title.strip():
            todo.setdefault(doc.title.strip(), []).append(i)
    if todo:
        encoded = embedder.encode(list(todo))
        for vector, rows in zip(encoded, todo.values(), strict=True):
            out[rows] = vector
    return out


def _chunks_per_doc(chunks: Sequence[Chunk]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in chunks:
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    return counts


def build_index(
    source_dir: Path,
    index_dir: Path,
    *,
    model: str,
    embedder_factory: Callable[[str], Embedder] = make_embedder,
    calibration: Calibration | None = None,
    chunk_max_chars: int = DEFAULT_MAX_CHARS,
    approx_threshold: int = DEFAULT_APPROX_THRESHOLD,
    show_progress: bool = False,
) -> BuildReport:
    """Build or update the index at `index_dir` from the files in `source_dir`."""
    ensure_replaceable(index_dir)  # before any work, not after minutes of embedding
    start = time.perf_counter()
    calibration = calibration or load_calibration()
    documents = load_folder(source_dir)
    if not documents:
        log.warning(
            "no articles found in %s: the index will be empty and every question a no-answer", source_dir
        )
    previous: StoredIndex | None = None
    if (index_dir / "params.json").exists():
        try:
            previous = read_index(index_dir)
        except KnowledgeBaseError as exc:
            log.warning("rebuilding from scratch: %s", exc)
    if previous is not None and _up_to_date(previous, documents, model, chunk_max_chars, calibration):
        return BuildReport(
            n_docs=len(previous.docs),
            n_chunks=len(previous.chunks),
            added=0,
            changed=0,
            removed=0,
            unchanged=len(previous.docs),
            embedded_chunks=0,
            seconds=time.perf_counter() - start,
            wrote=False,
            index_kind=previous.params.index.kind,
            recall_at_10=previous.params.index.recall_at_10,
        )
    embedder = embedder_factory(model)
    stored, report = build_stored(
        documents,
        embedder,
        calibration,
        chunk_max_chars=chunk_max_chars,
        approx_threshold=approx_threshold,
        previous=previous,
        show_progress=show_progress,
    )
    write_index(index_dir, stored)
    return replace(report, seconds=time.perf_counter() - start)


def _up_to_date(
    previous: StoredIndex,
    documents: Sequence[Document],
    model: str,
    chunk_max_chars: int,
    calibration: Calibration,
) -> bool:
    params = previous.params
    return (
        params.model == model
        and params.chunk_max_chars == chunk_max_chars
        and params.decision == calibration.decision
        and {d.doc_id: d.content_hash for d in previous.docs.values()}
        == {d.doc_id: d.content_hash for d in documents}
        and [d.doc_id for d in previous.docs.values()] == [d.doc_id for d in documents]
    )


def build_in_memory(
    documents: Sequence[Document],
    embedder: Embedder,
    calibration: Calibration | None = None,
    **kwargs: object,
) -> KnowledgeBase:
    """Build a `KnowledgeBase` without touching disk (eval, calibration, tests)."""
    stored, _ = build_stored(documents, embedder, calibration or load_calibration(), **kwargs)  # type: ignore[arg-type]
    return KnowledgeBase(stored, embedder)
