"""Exceptions raised by the knowledge base. Callers catch `KnowledgeBaseError`."""

from __future__ import annotations


class KnowledgeBaseError(Exception):
    """Base class for every knowledge-base failure."""


class IndexNotFoundError(KnowledgeBaseError):
    """The index directory is missing or incomplete (run `python -m knowledge_base build`)."""


class IndexFormatError(KnowledgeBaseError):
    """The index on disk was written by an incompatible version or is damaged."""


class IngestError(KnowledgeBaseError):
    """A source document could not be read or parsed."""
