"""Satisfaction from the ratings in the handoff DB: mean, share of 4-5, response rate, per resolver."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analytics.records import Conversation
from analytics.stats import mean, share


def compute(conversations: list[Conversation]) -> dict[str, Any]:
    """Asked = tickets resolved (by an agent, or by the assistant when the row says so) plus conversations the
    assistant resolved without a ticket (its one-tap survey follows); rated = with a score."""
    groups: dict[str, dict[str, list[int] | int]] = defaultdict(lambda: {"asked": 0, "ratings": []})
    for conv in conversations:
        if not conv.tickets and conv.resolution == "resolved_by_assistant":
            for key in ("all", "assistant"):
                groups[key]["asked"] += 1  # type: ignore[operator]
                if conv.survey_rating is not None:
                    groups[key]["ratings"].append(conv.survey_rating)  # type: ignore[union-attr]
        for t in conv.tickets:
            if t.status != "resolved" and t.rating is None:
                continue
            who = t.resolved_by or "agent"
            for key in ("all", who):
                groups[key]["asked"] += 1  # type: ignore[operator]
                if t.rating is not None:
                    groups[key]["ratings"].append(t.rating)  # type: ignore[union-attr]
    result = {}
    for key, g in sorted(groups.items()):
        ratings: list[int] = g["ratings"]  # type: ignore[assignment]
        asked: int = g["asked"]  # type: ignore[assignment]
        result[key] = {
            "asked": asked,
            "rated": len(ratings),
            "mean": mean(ratings),
            "share_4_5": share(sum(r >= 4 for r in ratings), len(ratings)),
            "response_rate": share(len(ratings), asked),
        }
    return result
