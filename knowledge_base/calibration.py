"""The shipped calibration (`knowledge_base/calibration.json`): decision thresholds fitted on data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge_base.decision import DecisionParams
from knowledge_base.errors import KnowledgeBaseError

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
# Score scales differ by document style (short FAQ answers vs long how-to articles), so each style has
# its own fitted profile: "articles" for our help articles (build), "faq" for Q/A corpora (eval).
DEFAULT_PROFILE = "articles"


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


def load_calibration(profile: str = DEFAULT_PROFILE, path: Path = CALIBRATION_PATH) -> Calibration:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
        entry = obj["profiles"][profile]
        return Calibration(
            model=str(obj["model"]),
            decision=DecisionParams.from_json(entry["decision"]),
            fitted_on=tuple(entry.get("fitted_on", [])),
            report=dict(entry.get("report", {})),
        )
    except KeyError as exc:
        raise KnowledgeBaseError(f"calibration {path} has no profile or key {exc}") from exc
    except (OSError, ValueError, TypeError) as exc:
        raise KnowledgeBaseError(f"cannot read calibration {path}: {exc}") from exc


def save_calibrations(model: str, profiles: dict[str, Calibration], path: Path = CALIBRATION_PATH) -> None:
    obj = {
        "model": model,
        "profiles": {
            name: {k: v for k, v in cal.to_json().items() if k != "model"} for name, cal in profiles.items()
        },
    }
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")
