"""The action plan: one action per finding (what, who, by when, and the finding it answers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analytics.findings import Findings

OWNER = {
    "user skills": "Team lead, first line",
    "intermittent fault": "Problem manager, second line",
    "environment": "Network and site team",
    "system too weak for its workload": "Infrastructure lead",
    "recurring need": "Support manager",
}
DAYS = {
    "user skills": 7,
    "intermittent fault": 14,
    "environment": 7,
    "system too weak for its workload": 30,
    "recurring need": 30,
}


def actions(found: Findings, kpi_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = found.until.date()

    def due(days: int) -> str:
        return (base + dt.timedelta(days=days)).isoformat()

    plan: list[dict[str, Any]] = []
    for f in found.recurring_problems:
        plan.append(
            {
                "what": f.recommendation,
                "who": OWNER[f.cause],
                "by": due(DAYS[f.cause]),
                "finding": f"Recurring problem '{f.subject}': {f.cause} ({f.evidence})",
            }
        )
    for f in found.recurring_customers[:10]:
        plan.append(
            {
                "what": f.recommendation,
                "who": OWNER[f.cause],
                "by": due(DAYS[f.cause]),
                "finding": f"Customer {f.subject}: {f.evidence} ({f.cause})",
            }
        )
    for g in found.gaps:
        plan.append(
            {
                "what": f"Write the article '{g['suggested_title']}'",
                "who": "Knowledge manager",
                "by": due(14),
                "finding": f"Knowledge gap '{g['topic']}': {g['failed']} conversations without an answer",
            }
        )
    for a in found.automation[:3]:
        plan.append(
            {
                "what": a["procedure"],
                "who": "Automation engineer",
                "by": due(30),
                "finding": f"Automation candidate '{a['topic']}': {a['volume']} conversations x {a['handling_minutes_median']} min",
            }
        )
    for theme in found.feedback:
        if theme["mean_rating"] < 3.5:
            plan.append(
                {
                    "what": theme["recommendation"],
                    "who": "Support manager",
                    "by": due(14),
                    "finding": f"Feedback theme '{theme['theme']}': mean {theme['mean_rating']} over {theme['comments']} comments",
                }
            )
    for row in kpi_rows:
        if row["met"] is False:
            plan.append(
                {
                    "what": f"Find why '{row['name']}' misses its target and agree one fix with the team",
                    "who": "Support manager",
                    "by": due(7),
                    "finding": f"KPI '{row['name']}' is off target",
                }
            )
    return plan
