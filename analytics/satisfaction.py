"""Satisfaction from the ratings: mean, share of 4-5, response rate, per resolver."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from analytics.records import Conversation
from analytics.stats import mean, share


def surveys(conv: Conversation) -> Iterator[tuple[str, int | None]]:
    """(who resolved it, the rating or None) for each time this conversation's customer was asked: every
    resolved (or rated) ticket, and the assistant's one-tap survey when it solved the conversation without a
    ticket (an agent's rating is the ticket's; the tracker's survey slots hold the same answer)."""
    if not conv.tickets and conv.resolution == "resolved_by_assistant":
        yield "assistant", conv.survey_rating
    for t in conv.tickets:
        if t.status == "resolved" or t.rating is not None:
            yield t.resolved_by or "agent", t.rating


def compute(conversations: list[Conversation]) -> dict[str, Any]:
    """Asked = surveys(); rated = with a score. Per resolver and 'all'."""
    asked: dict[str, int] = defaultdict(int)
    ratings: dict[str, list[int]] = defaultdict(list)
    for conv in conversations:
        for who, rating in surveys(conv):
            for key in ("all", who):
                asked[key] += 1
                if rating is not None:
                    ratings[key].append(rating)
    return {
        key: {
            "asked": asked[key],
            "rated": len(ratings[key]),
            "mean": mean(ratings[key]),
            "share_4_5": share(sum(r >= 4 for r in ratings[key]), len(ratings[key])),
            "response_rate": share(len(ratings[key]), asked[key]),
        }
        for key in sorted(asked)
    }
