"""Knowledge base: ingest help articles, embed them, search with FAISS, decide answer/clarify/no-answer.

Public API: `KnowledgeBase.load(dir)`, `kb.search(query, k)`, `kb.decide(query)`, `Hit`, `Decision`.
"""

from __future__ import annotations

from knowledge_base.errors import IndexNotFoundError, KnowledgeBaseError
from knowledge_base.hits import Decision, Hit
from knowledge_base.kb import KnowledgeBase

__all__ = ["Decision", "Hit", "IndexNotFoundError", "KnowledgeBase", "KnowledgeBaseError"]
