"""Render the findings as one self-contained HTML file (jinja2, autoescaped; charts inline SVG)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
from markupsafe import Markup

from analytics import charts
from analytics.findings import Findings
from analytics.kpis import kpis
from analytics.plan import actions
from analytics.settings import Targets

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("analytics", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


_ENV.filters["pct"] = _pct
_ENV.filters["num"] = _num


def render(found: Findings, targets: Targets) -> str:
    vol, weeks = found.metrics["volume"], found.metrics["weekly"]
    kpi_rows = kpis(found, targets)
    chart = {
        "by_day": Markup(
            charts.line([d for d, _ in vol["by_day"]], [n for _, n in vol["by_day"]], "Conversations per day")
        ),
        "heatmap": Markup(charts.heatmap(vol["hour_weekday"], "Conversations by hour and weekday")),
        "channels": Markup(
            charts.bars(
                [c for c, _ in vol["by_channel"]],
                [n for _, n in vol["by_channel"]],
                "Conversations by channel",
            )
        ),
        "weekly": Markup(
            charts.two_lines(
                [w["week"] for w in weeks],
                [w["handoff_share"] for w in weeks],
                "handed to a person",
                [w["satisfaction_mean"] for w in weeks],
                "mean satisfaction (1-5)",
                "Handoff rate and satisfaction by week",
            )
        ),
        "topics": Markup(
            charts.bars(
                [t.name for t in found.topics[:15]], [t.size for t in found.topics[:15]], "Largest topics"
            )
        ),
    }
    return _ENV.get_template("report.html.j2").render(
        f=found,
        m=found.metrics,
        kpis=kpi_rows,
        plan=actions(found, kpi_rows),
        chart=chart,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        period=f"{found.since.date()} to {(found.until - dt.timedelta(seconds=1)).date()}",
    )


def write(found: Findings, targets: Targets, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(render(found, targets), encoding="utf-8")
    tmp.replace(path)
