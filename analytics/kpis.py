"""The KPI table: each figure next to its target and whether it is met."""

from __future__ import annotations

from typing import Any

from analytics.findings import Findings
from analytics.settings import Targets


def kpis(found: Findings, targets: Targets) -> list[dict[str, Any]]:
    m = found.metrics
    o, t = m["outcomes"], m["timing"]
    sat = m["satisfaction"].get("all", {})
    levels = [v["share"] for v in t["service_level"].values() if v["share"] is not None and v["tickets"]]
    rows = [
        (
            "Solved by the assistant (confirmed + assumed)",
            o["assistant_share"],
            targets.assistant_resolution_share,
            ">=",
            "%",
        ),
        ("Handed off to a person", o["handoff_share"], targets.handoff_share_max, "<=", "%"),
        (
            "First-contact resolution",
            o["first_contact_resolution"],
            targets.first_contact_resolution,
            ">=",
            "%",
        ),
        ("Reopened within 7 days", o["reopen_rate"], targets.reopen_rate_max, "<=", "%"),
        (
            "Answered within service level (worst priority)",
            min(levels) if levels else None,
            targets.within_service_level,
            ">=",
            "%",
        ),
        (
            "Resolution time, median (working hours)",
            t["resolution_hours"]["median"],
            targets.resolution_hours_median,
            "<=",
            "h",
        ),
        ("Satisfaction, mean (1-5)", sat.get("mean"), targets.satisfaction_mean, ">=", ""),
        ("Satisfaction, share rating 4-5", sat.get("share_4_5"), targets.satisfaction_share_4_5, ">=", "%"),
        ("Survey response rate", sat.get("response_rate"), targets.survey_response_rate, ">=", "%"),
    ]
    result = []
    for name, value, target, op, unit in rows:
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        result.append({"name": name, "value": value, "target": target, "op": op, "unit": unit, "met": met})
    return result
