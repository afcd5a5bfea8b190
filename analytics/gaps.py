"""Knowledge gaps: topics where the knowledge base had no answer or its answer did not help, and no article
fits the topic (cosine of the topic centre to every article's title and tags below FIT)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from analytics.articles import article_texts
from analytics.embedding import embed
from analytics.masking import mask
from analytics.records import Conversation
from analytics.topics import Topic
from knowledge_base.embedder import Embedder

FIT = 0.45
MIN_SHARE = 0.3
MIN_CONVERSATIONS = 5


def _failed(conv: Conversation) -> bool:
    return (
        conv.kb_missed
        or conv.kb_not_helped
        or (bool(conv.tickets) and conv.tickets[0].reason in {"nlu_fallback", "kb_not_solved"})
    )


def suggested_title(topic: Topic) -> str:
    terms = topic.terms or ["this problem"]
    head = terms[0][:1].upper() + terms[0][1:]
    rest = [t for t in terms[1:3]]
    return f"{head}: fix {' and '.join(rest)} problems" if rest else f"{head}: what to do"


def find(
    conversations: list[Conversation], topics: list[Topic], kb_dir: Path, embedder: Embedder | None = None
) -> list[dict[str, Any]]:
    if not topics:
        return []
    by_topic: dict[int, list[Conversation]] = defaultdict(list)
    for conv in conversations:
        by_topic[conv.topic].append(conv)
    articles = article_texts(kb_dir)
    names = list(articles)
    vectors = embed([articles[n] for n in names], embedder) if names else np.zeros((0, 384))
    gaps = []
    for topic in topics:
        convs = by_topic.get(topic.topic_id, [])
        failed = [c for c in convs if _failed(c)]
        if len(failed) < MIN_CONVERSATIONS or len(failed) / max(len(convs), 1) < MIN_SHARE:
            continue
        scores = vectors @ topic.centroid if len(names) else np.zeros(0)
        best = int(np.argmax(scores)) if len(names) else -1
        fit = float(scores[best]) if best >= 0 else 0.0
        if fit >= FIT:
            continue
        wording = sorted({mask(c.first_text) for c in failed}, key=len)[:5]  # personal data removed
        gaps.append(
            {
                "topic": topic.name,
                "conversations": len(convs),
                "failed": len(failed),
                "closest_article": names[best] if best >= 0 else None,
                "closest_score": round(fit, 2),
                "wording": wording,
                "suggested_title": suggested_title(topic),
            }
        )
    return sorted(gaps, key=lambda g: -g["failed"])
