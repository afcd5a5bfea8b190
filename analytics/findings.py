"""Everything the report shows, computed once from the stores for one period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from tqdm import tqdm

from analytics import (
    automation,
    feedback,
    gaps,
    outcomes,
    patterns,
    people,
    satisfaction,
    timing,
    topics,
    volume,
    weekly,
)
from analytics.dataset import load
from analytics.records import Conversation
from analytics.returns import Returns
from analytics.settings import AnalyticsSettings
from knowledge_base.embedder import Embedder


@dataclass
class Findings:
    since: dt.datetime
    until: dt.datetime
    conversations: list[Conversation]
    topics: list[topics.Topic]
    metrics: dict[str, Any] = field(default_factory=dict)
    recurring_customers: list[patterns.Finding] = field(default_factory=list)
    recurring_problems: list[patterns.Finding] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    automation: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)


def build(
    settings: AnalyticsSettings,
    since: dt.datetime,
    until: dt.datetime,
    embedder: Embedder | None = None,
    progress: bool = True,
) -> Findings:
    steps = tqdm(total=6, desc="report", unit="step", disable=not progress)
    conversations = load(settings, since, until)
    steps.update()
    found = Findings(since, until, conversations, topics.assign(conversations, embedder))
    steps.update()
    returns = Returns(conversations)
    hours, zone = settings.hours, settings.hours.timezone
    found.metrics = {
        "volume": volume.compute(conversations, ZoneInfo(zone), since.date(), until.date()),
        "outcomes": outcomes.compute(conversations, returns).as_dict(),
        "timing": timing.compute(conversations, hours, settings.service_levels, until),
        "satisfaction": satisfaction.compute(conversations),
        "complaints": people.complaints(conversations, hours),
        "agents": people.agents(conversations, hours),
        "weekly": weekly.compute(conversations, ZoneInfo(zone)),
    }
    steps.update()
    found.recurring_customers = patterns.recurring_customers(conversations, found.topics)
    found.recurring_problems = patterns.recurring_problems(conversations, found.topics)
    found.products = patterns.by_product(conversations)
    found.diagnostics = patterns.diagnostics(conversations)
    steps.update()
    found.gaps = gaps.find(conversations, found.topics, settings.kb_dir, embedder)
    found.automation = automation.candidates(conversations, found.topics, hours)
    steps.update()
    found.feedback = feedback.themes(conversations, settings.targets.satisfaction_mean, embedder)
    steps.update()
    steps.close()
    return found
