"""`KnowledgeBase`: search and decide over a built index."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from knowledge_base.answering import excerpt
from knowledge_base.decision import DecisionParams, decide
from knowledge_base.embedder import Embedder, make_embedder
from knowledge_base.escalation import SECTION as ESCALATION_SECTION
from knowledge_base.escalation import escalation_condition
from knowledge_base.fusion import reciprocal_rank_fusion
from knowledge_base.hits import Decision, Hit
from knowledge_base.lexical import LexicalIndex
from knowledge_base.shorthand import expand
from knowledge_base.store import StoredIndex, read_index, write_index

MAX_QUERY_CHARS = 2000
CANDIDATE_CHUNKS = 50
# The decision compares the best topic with the next one, so a search returns documents from at least
# this many topics (titles) even when one FAQ question has more than `k` answers.
MIN_TOPICS = 4
DECISION_K = 10  # documents the decision sees (`KnowledgeBase.candidates`: bot, eval and calibrate)


def _clean_query(query: str) -> str:
    """Trimmed, chat shorthand spelled out, cut to MAX_QUERY_CHARS; an unpaired surrogate (from JSON or a
    non-UTF-8 command line) becomes "?", since the tokenizer raises on it."""
    return expand(query.strip())[:MAX_QUERY_CHARS].encode("utf-8", "replace").decode("utf-8")


class KnowledgeBase:
    def __init__(self, stored: StoredIndex, embedder: Embedder) -> None:
        if embedder.name != stored.params.model:
            raise ValueError(f"index was built with {stored.params.model!r}, not {embedder.name!r}")
        self._stored = stored
        self._embedder = embedder
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()
        self._doc_ids = list(stored.docs)
        self._doc_pos = {doc_id: i for i, doc_id in enumerate(self._doc_ids)}
        self._rows_by_doc: dict[str, list[int]] = {}
        for row, chunk in enumerate(stored.chunks):
            self._rows_by_doc.setdefault(chunk.doc_id, []).append(row)

    @classmethod
    def load(cls, index_dir: Path | str, embedder: Embedder | None = None) -> KnowledgeBase:
        """Read the index; the embedding model itself loads on the first query."""
        stored = read_index(Path(index_dir))
        return cls(stored, embedder or make_embedder(stored.params.model))

    def save(self, index_dir: Path | str) -> None:
        write_index(Path(index_dir), self._stored)

    @property
    def stored(self) -> StoredIndex:
        return self._stored

    @property
    def params(self) -> DecisionParams:
        return self._stored.params.decision

    def with_decision(self, params: DecisionParams) -> KnowledgeBase:
        """Same index, other thresholds (used while calibrating)."""
        stored = replace(self._stored, params=replace(self._stored.params, decision=params))
        kb = KnowledgeBase(stored, self._embedder)
        kb._lexical = self._lexical
        return kb

    def _lexical_index(self) -> LexicalIndex:
        with self._lock:
            if self._lexical is None:
                self._lexical = LexicalIndex([c.embed_text() for c in self._stored.chunks])
            return self._lexical

    def _hit(self, chunk_row: int, score: float) -> Hit:
        chunk = self._stored.chunks[chunk_row]
        if chunk.asked:  # matched a customer's phrasing: show the article's own first chunk
            chunk = self._stored.chunks[self._rows_by_doc[chunk.doc_id][0]]
        doc = self._stored.docs[chunk.doc_id]
        return Hit(
            doc_id=doc.doc_id,
            title=doc.title,
            section=chunk.section,
            source=doc.source,
            url=doc.url,
            score=float(score),
            text=chunk.text,
            answer=doc.answer or excerpt(chunk.text),
            updated=doc.updated,
            diagnostic_id=doc.diagnostic_id,
        )

    def search(self, query: str, k: int = 5, *, query_vector: np.ndarray | None = None) -> list[Hit]:
        """Best chunk per document, `k` documents, best first; `score` is dense cosine similarity of the
        best chunk, or of the better of the best chunk and the title (`scoring="title_or_chunk"`).

        `query_vector` lets batch jobs (eval, calibration) embed all queries at once.
        """
        if not isinstance(query, str) or not query.strip():
            raise ValueError("query must be a non-empty string")
        if k < 1:
            raise ValueError("k must be at least 1")
        if not self._stored.chunks:
            return []
        query = _clean_query(query)
        qv = self._embedder.encode([query])[0] if query_vector is None else query_vector
        n_candidates = max(CANDIDATE_CHUNKS, 10 * k)
        scores, rows = self._stored.index.search(qv[None, :], n_candidates)
        dense_best: dict[str, tuple[int, float]] = {}
        for row, score in zip(rows[0].tolist(), scores[0].tolist(), strict=True):
            if row < 0:
                continue
            doc_id = self._stored.chunks[row].doc_id
            if doc_id not in dense_best:
                dense_best[doc_id] = (row, score)
        if self.params.scoring == "title_or_chunk":
            dense_best = self._with_titles(qv, dense_best, n_candidates)
        order = list(dense_best)
        if self.params.retrieval == "hybrid":
            _, lex_rows = self._lexical_index().search(query, max(CANDIDATE_CHUNKS, 10 * k))
            lex_order: list[str] = []
            for row in lex_rows.tolist():
                doc_id = self._stored.chunks[row].doc_id
                if doc_id not in lex_order:
                    lex_order.append(doc_id)
                if doc_id not in dense_best:  # rescore exactly so every hit has a cosine score
                    score = float(self._stored.vectors[row] @ qv)
                    if self.params.scoring == "title_or_chunk":
                        score = max(score, float(self._stored.title_vectors[self._doc_pos[doc_id]] @ qv))
                    dense_best[doc_id] = (row, score)
            fused = reciprocal_rank_fusion([order, lex_order], k=self.params.rrf_k)
            order = [str(doc_id) for doc_id, _ in fused]
        return [self._hit(*dense_best[doc_id]) for doc_id in self._cut(order, k)]

    def _with_titles(
        self, qv: np.ndarray, dense_best: dict[str, tuple[int, float]], n_candidates: int
    ) -> dict[str, tuple[int, float]]:
        """Score each document by the better of its best chunk and its title, best first.

        Documents whose title is among the `n_candidates` closest join the candidates, with their best
        chunk scored exactly, so an article whose title matches but whose text does not is still found.
        """
        title_scores = self._stored.title_vectors @ qv
        if len(title_scores) > n_candidates:
            top = np.argpartition(-title_scores, n_candidates)[:n_candidates]
        else:
            top = np.arange(len(title_scores))
        for i in top.tolist():
            doc_id = self._doc_ids[i]
            if doc_id not in dense_best and doc_id in self._rows_by_doc:
                rows = self._rows_by_doc[doc_id]
                chunk_scores = self._stored.vectors[rows] @ qv
                best = int(np.argmax(chunk_scores))
                dense_best[doc_id] = (rows[best], float(chunk_scores[best]))
        scored = {
            doc_id: (row, max(score, float(title_scores[self._doc_pos[doc_id]])))
            for doc_id, (row, score) in dense_best.items()
        }
        return dict(sorted(scored.items(), key=lambda item: -item[1][1]))

    def _cut(self, order: list[str], k: int) -> list[str]:
        """The first `k` documents, extended until they span `MIN_TOPICS` topics."""
        topics: set[str] = set()
        out: list[str] = []
        for doc_id in order:
            topic = self._stored.docs[doc_id].title.strip().lower()
            if len(out) >= k and (len(topics) >= MIN_TOPICS or topic in topics):
                if len(topics) >= MIN_TOPICS:
                    break
                continue
            topics.add(topic)
            out.append(doc_id)
        return out

    def candidates(self, query: str, *, query_vector: np.ndarray | None = None) -> list[Hit]:
        """The hits the decision weighs: none for a blank message, so it ends in no_answer, never an error.

        The bot, `eval` and `calibrate` all go through here, so a blank query in a data set counts as
        what the bot would do with it.
        """
        if not isinstance(query, str) or not query.strip():
            return []
        return self.search(query, k=DECISION_K, query_vector=query_vector)

    def decide(self, query: str) -> Decision:
        """answer | clarify | no_answer for one customer message, with calibrated thresholds."""
        return decide(self.candidates(query), self.params)

    def decide_many(self, queries: Sequence[str]) -> list[Decision]:
        """`decide` for each of several texts (a message and its parts), embedded in one batch."""
        blank = [not (isinstance(q, str) and q.strip()) for q in queries]
        asked = [_clean_query(q) for q, is_blank in zip(queries, blank, strict=True) if not is_blank]
        vectors = iter(self._embedder.encode(asked) if asked else [])
        return [
            decide([] if is_blank else self.candidates(q, query_vector=next(vectors)), self.params)
            for q, is_blank in zip(queries, blank, strict=True)
        ]

    def article(self, doc_id: str) -> Hit | None:
        """The article with this id, for a button the customer clicked."""
        rows = self._rows_by_doc.get(doc_id)  # a dict lookup: this runs on every article button click
        return self._hit(rows[0], 1.0) if rows else None

    def escalation_condition(self, doc_id: str) -> str | None:
        """The article's own "if this also fails, ask for a person" condition, if it states one."""
        for row in self._rows_by_doc.get(doc_id, []):
            chunk = self._stored.chunks[row]
            if not chunk.asked and chunk.section.strip().lower() == ESCALATION_SECTION:
                return escalation_condition(chunk.text)
        return None

    def meets_escalation(self, doc_id: str, message: str) -> float | None:
        """Cosine similarity of the customer's report to the article's escalation condition; None when the
        article states none (or the message is blank)."""
        condition = self.escalation_condition(doc_id)
        if condition is None or not message.strip():
            return None
        vectors = self._embedder.encode([_clean_query(condition), _clean_query(message)])
        return float(vectors[0] @ vectors[1])

    def embed_queries(self, queries: list[str]) -> np.ndarray:
        return self._embedder.encode([_clean_query(q) for q in queries])
