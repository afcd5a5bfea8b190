"""Satisfaction comments grouped into themes (same MiniLM clustering as topics); lowest-scored themes first,
each compared with the desk's satisfaction target.

A comment is counted once: an agent's ticket keeps its rating and comment (the tracker's `handoff_rating` /
`handoff_comment` slots hold the same answer), so the tracker's survey is read only for conversations the
assistant solved without a ticket."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from analytics.clustering import cluster
from analytics.embedding import embed
from analytics.masking import mask
from analytics.records import Conversation
from analytics.topics import top_terms
from knowledge_base.embedder import Embedder

ADVICE: tuple[tuple[str, str], ...] = (
    (
        r"wait|slow|long|hours|days|quick|fast",
        "Cut the wait: add cover at the busiest hours and tell customers their place in the queue.",
    ),
    (
        r"fix|still|again|broke|same|not solved|didn'?t work",
        "Check fixes before closing: confirm with the customer and follow up after 3 days.",
    ),
    (
        r"rude|polite|friendly|kind|attitude|listen",
        "Coach agents on tone; share the best-rated conversations as examples.",
    ),
    (
        r"bot|robot|automat|assistant",
        "Make handing over to a person easier and say earlier when the bot cannot help.",
    ),
    (r"explain|understand|jargon|clear", "Use plain words; send the steps in writing after the chat."),
)


def advice_for(text: str) -> str:
    for pattern, advice in ADVICE:
        if re.search(pattern, text, re.IGNORECASE):
            return advice
    return "Read these comments at the next team meeting and agree one change."


def rated_comments(conversations: list[Conversation]) -> list[tuple[int, str]]:
    """(rating, comment) once per answer: the tickets' own, plus the survey of conversations without one."""
    rated = [(t.rating, t.comment) for c in conversations for t in c.tickets if t.comment and t.rating]
    rated += [
        (c.survey_rating, c.survey_comment)
        for c in conversations
        if not c.tickets and c.survey_comment and c.survey_rating
    ]
    return [(score, text.strip()) for score, text in rated if text.strip()]


def themes(
    conversations: list[Conversation], target: float, embedder: Embedder | None = None
) -> list[dict[str, Any]]:
    """Themes below `target` (Targets.satisfaction_mean) get a recommendation for what to change."""
    rated = [(score, mask(text)) for score, text in rated_comments(conversations)]
    if not rated:
        return []
    texts = [text for _, text in rated]
    labels = cluster(embed(texts, embedder), max_k=8)
    groups = sorted(set(int(x) for x in labels))
    terms = top_terms([[texts[i] for i in np.flatnonzero(labels == g)] for g in groups], count=3)
    result = []
    for g, words in zip(groups, terms, strict=True):
        members = np.flatnonzero(labels == g)
        scores = [rated[i][0] for i in members]
        examples = sorted({texts[i] for i in members}, key=len)[:3]
        result.append(
            {
                "theme": ", ".join(words) or "other",
                "comments": len(members),
                "mean_rating": round(float(np.mean(scores)), 2),
                "target": target,
                "below_target": bool(np.mean(scores) < target),
                "examples": examples,
                "recommendation": advice_for(" ".join(words + examples))
                if np.mean(scores) < target
                else "Keep doing this: share these conversations with the team.",
            }
        )
    return sorted(result, key=lambda r: (r["mean_rating"], -r["comments"]))
