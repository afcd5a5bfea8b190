"""Engine state: small, JSON-friendly, kept in a Rasa slot between turns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from actions.diagnostics.schema import LEVELS, Level

Status = Literal["running", "resolved", "escalated", "stopped"]
STATUSES: tuple[Status, ...] = ("running", "resolved", "escalated", "stopped")


@dataclass(frozen=True)
class State:
    script_id: str | None
    """None while the customer picks a script from the menu."""
    node_id: str | None
    history: tuple[str, ...] = ()
    level: Level | None = None
    """None until inferred from the customer's words or asked (once)."""
    unknowns: int = 0
    """"I don't know" answers in a row at this node."""
    unclear: int = 0
    status: Status = "running"
    reason: str | None = None
    escalation: str | None = None
    queue: str | None = None
    extracted: dict[str, str] = field(default_factory=dict)
    turn: int = 0
    """Number of customer messages when the run started: that message is not an answer to a step."""
    options: tuple[tuple[str, str, str], ...] = ()
    """(topic, label, the customer's words) of each problem named in one message, while they pick one."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["history"] = list(self.history)
        data["options"] = [list(option) for option in self.options]
        return data

    @classmethod
    def from_dict(cls, data: Any) -> State | None:
        """The state stored in a slot, or None when it is missing or not a state."""
        if not isinstance(data, dict):
            return None
        try:
            level = data.get("level")
            status = data.get("status", "running")
            return cls(
                script_id=data.get("script_id"),
                node_id=data.get("node_id"),
                history=tuple(str(item) for item in data.get("history") or ()),
                level=level if level in LEVELS else None,
                unknowns=int(data.get("unknowns") or 0),
                unclear=int(data.get("unclear") or 0),
                status=status if status in STATUSES else "running",
                reason=data.get("reason"),
                escalation=data.get("escalation"),
                queue=data.get("queue"),
                extracted=dict(data.get("extracted") or {}),
                turn=int(data.get("turn") or 0),
                options=tuple(
                    (str(o[0]), str(o[1]), str(o[2])) for o in data.get("options") or () if len(o) == 3
                ),
            )
        except (TypeError, ValueError):
            return None

    def evolve(self, **changes: Any) -> State:
        return replace(self, **changes)
