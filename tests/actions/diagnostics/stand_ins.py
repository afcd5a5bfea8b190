"""Deterministic stand-ins shared by the diagnostics tests: a hashed bag-of-words embedder in place of MiniLM,
the ranker built on it, a one-question script and a knowledge-base hit."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from actions.diagnostics.schema import Script, parse_script
from knowledge_base import Hit


def bag_of_words(texts: Sequence[str]) -> np.ndarray:
    """A deterministic stand-in for MiniLM: hashed word counts, L2-normalised."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def word_ranker(message: str, texts: Sequence[str]) -> np.ndarray:
    """Stand-in ranker: cosine of hashed word counts."""
    return bag_of_words(list(texts)) @ bag_of_words([message])[0]


def one_question_script(question: Mapping[str, Any], fixes: Sequence[str]) -> Script:
    """Script "t": question step "q" (why "w" unless given), then resolved steps named by `fixes`."""
    resolved = {"type": "resolved", "why": "w", "confirm": "OK?"}
    return parse_script(
        {
            "id": "t",
            "title": "T",
            "triggers": ["t"],
            "queue": "general",
            "start": "q",
            "nodes": {
                "q": {"why": "w", **question},
                **{fix: {**resolved, "novice": fix.upper(), "expert": fix.upper()} for fix in fixes},
            },
        },
        "test",
    )


def kb_hit(doc_id: str, diagnostic_id: str | None, score: float = 0.7) -> Hit:
    """A knowledge-base hit on article `doc_id`, linked to script `diagnostic_id` (None: no script)."""
    return Hit(
        doc_id=doc_id, title=doc_id, section="", source=f"data/kb/{doc_id}.md", url=None, score=score,
        text="", answer="", updated=None, diagnostic_id=diagnostic_id,
    )  # fmt: skip
