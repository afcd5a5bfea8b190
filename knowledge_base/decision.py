"""The three-way decision: answer, clarify or no-answer, from calibrated thresholds.

The thresholds are not chosen here: they come from `calibration.json` (fitted on labelled data by
`python -m knowledge_base calibrate`) and are copied into the index's `params.json` at build time.

Two fitted forms, chosen per profile by cross-topic validation:
- `rule`: answer when the top score and its margin over the next topic both clear a threshold;
- `logistic`: answer when a logistic model over (top score, margin) gives a confidence at or above
  `answer_min_confidence`. Its weights are fitted, stored and only applied here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from knowledge_base.hits import Decision, Hit

SCORING_MODES = ("chunk", "title_or_chunk")


@dataclass(frozen=True)
class DecisionParams:
    """Calibrated settings. `score` is a document's cosine similarity to the query: that of its best chunk
    (`scoring="chunk"`) or the better of its best chunk and its title (`scoring="title_or_chunk"`). The
    thresholds only hold for the scoring they were fitted with, so the two are stored together."""

    answer_min_score: float
    answer_min_margin: float
    clarify_min_score: float
    clarify_max_gap: float
    max_clarify_options: int = 3
    retrieval: str = "dense"  # "dense" | "hybrid"
    rrf_k: int = 60
    scoring: str = "chunk"  # "chunk" | "title_or_chunk"
    # Logistic confidence over (top score, margin); empty weights = plain threshold rule.
    confidence_weights: tuple[float, ...] = ()
    confidence_bias: float = 0.0
    answer_min_confidence: float = 0.0

    def __post_init__(self) -> None:
        if self.confidence_weights and len(self.confidence_weights) != 2:
            raise ValueError("confidence_weights must be (score weight, margin weight)")
        if self.scoring not in SCORING_MODES:
            raise ValueError(f"unknown scoring mode {self.scoring!r}")
        if self.retrieval not in {"dense", "hybrid"}:
            raise ValueError(f"unknown retrieval mode {self.retrieval!r}")
        if not 2 <= self.max_clarify_options <= 5:
            raise ValueError("max_clarify_options must be between 2 and 5")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> DecisionParams:
        names = {f.name for f in fields(cls)}
        missing = {"answer_min_score", "answer_min_margin", "clarify_min_score", "clarify_max_gap"} - set(obj)
        if missing:
            raise ValueError(f"decision settings missing {sorted(missing)}")
        kwargs = {k: v for k, v in obj.items() if k in names}
        kwargs["confidence_weights"] = tuple(float(w) for w in kwargs.get("confidence_weights", ()))
        return cls(**kwargs)

    def confidence(self, top_score: float, margin: float) -> float | None:
        """Fitted probability that the top article answers the question (None for the rule form)."""
        if not self.confidence_weights:
            return None
        w_score, w_margin = self.confidence_weights
        z = self.confidence_bias + w_score * top_score + w_margin * margin
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def answers(self, top_score: float, margin: float) -> bool:
        if top_score < self.answer_min_score or margin < self.answer_min_margin:
            return False
        confidence = self.confidence(top_score, margin)
        return confidence is None or confidence >= self.answer_min_confidence


def topic_key(hit: Hit) -> str:
    """Hits with the same title are one topic (e.g. several answers to one FAQ question)."""
    return hit.title.strip().lower()


def margin_of(hits: Sequence[Hit]) -> tuple[float, float]:
    """Top score and its lead over the best hit on a different topic (0 if no other topic is in `hits`;
    `KnowledgeBase.search` always returns at least `MIN_TOPICS` topics when the index has them)."""
    if not hits:
        return 0.0, 0.0
    top = hits[0]
    other = next((h.score for h in hits[1:] if topic_key(h) != topic_key(top)), 0.0)
    return top.score, top.score - other


def decide(hits: Sequence[Hit], params: DecisionParams) -> Decision:
    """`hits` are distinct documents, best first, each scored by dense cosine similarity."""
    if not hits:
        return Decision("no_answer")
    top_score, margin = margin_of(hits)
    confidence = params.confidence(top_score, margin)
    if params.answers(top_score, margin):
        return Decision("answer", tuple(hits), top_score, margin, confidence)
    if params.clarify_max_gap > 0 and top_score >= params.clarify_min_score:
        options: list[Hit] = []
        seen: set[str] = set()
        for hit in hits:
            if top_score - hit.score > params.clarify_max_gap:
                break
            if topic_key(hit) in seen:
                continue
            seen.add(topic_key(hit))
            options.append(hit)
            if len(options) == params.max_clarify_options:
                break
        if len(options) >= 2:
            return Decision("clarify", tuple(options), top_score, margin, confidence)
    return Decision("no_answer", tuple(hits), top_score, margin, confidence)
