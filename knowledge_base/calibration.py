"""The shipped calibration (`knowledge_base/calibration.json`): decision thresholds fitted on data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge_base.decision import DecisionParams
from knowledge_base.errors import KnowledgeBaseError

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibration:
    model: str
    decision: DecisionParams
    fitted_on: tuple[str, ...]
    report: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "decision": self.decision.to_json(),
            "fitted_on": list(self.fitted_on),
            "report": self.report,
        }


def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
        return Calibration(
            model=str(obj["model"]),
            decision=DecisionParams.from_json(obj["decision"]),
            fitted_on=tuple(obj.get("fitted_on", [])),
            report=dict(obj.get("report", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KnowledgeBaseError(f"cannot read calibration {path}: {exc}") from exc


def save_calibration(calibration: Calibration, path: Path = CALIBRATION_PATH) -> None:
    path.write_text(json.dumps(calibration.to_json(), indent=2) + "\n", encoding="utf-8")
