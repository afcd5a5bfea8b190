"""Search results and decisions: what the bot and the eval see."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DecisionKind = Literal["answer", "clarify", "no_answer"]


@dataclass(frozen=True)
class Hit:
    doc_id: str
    title: str
    section: str
    source: str
    url: str | None
    score: float
    text: str
    answer: str
    updated: str | None = None
    diagnostic_id: str | None = None

    @property
    def citation(self) -> str:
        return self.url or self.source

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    top_score: float = 0.0
    margin: float = 0.0
    confidence: float | None = None  # the fitted logistic confidence, when the profile uses one

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None
