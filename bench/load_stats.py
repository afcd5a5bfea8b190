"""What one load run measured: each customer message as a record, summed up overall, per mix and per channel."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["ok", "failure_reply", "no_reply", "error"]


@dataclass(frozen=True)
class TurnRecord:
    mix: str
    channel: str
    sender: str
    text: str
    outcome: Outcome
    started: float  # perf_counter seconds
    latency_ms: float | None  # None when there was no reply at all
    detail: str = ""
    stored: bool | None = None  # found in the conversation's tracker after the run (None: not checked)


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None}
    if len(values) == 1:
        only = round(values[0], 1)
        return {"p50_ms": only, "p95_ms": only, "p99_ms": only, "mean_ms": only}
    cuts = statistics.quantiles(values, n=100, method="inclusive")  # cuts[k-1] is the k-th percentile
    return {
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "mean_ms": round(statistics.fmean(values), 1),
    }


def summarise(records: Sequence[TurnRecord], seconds: float) -> dict[str, object]:
    """Throughput counts answered messages (a real reply or the honest failure message); latency is taken
    over every message that got a reply. A message is lost when it got no reply at all or is missing from
    its conversation's tracker."""
    answered = [r for r in records if r.outcome in ("ok", "failure_reply")]
    return {
        "messages": len(records),
        "messages_per_second": round(len(answered) / seconds, 2) if seconds > 0 else None,
        **percentiles([r.latency_ms for r in answered if r.latency_ms is not None]),
        "errors": sum(r.outcome == "error" for r in records),
        "failure_replies": sum(r.outcome == "failure_reply" for r in records),
        "no_reply": sum(r.outcome == "no_reply" for r in records),
        "not_stored": sum(r.stored is False for r in records),
        "lost": sum(r.outcome == "no_reply" or r.stored is False for r in records),
    }


def by_key(records: Sequence[TurnRecord], key: str, seconds: float) -> dict[str, dict[str, object]]:
    groups: dict[str, list[TurnRecord]] = {}
    for record in records:
        groups.setdefault(str(getattr(record, key)), []).append(record)
    return {name: summarise(group, seconds) for name, group in sorted(groups.items())}


def error_samples(records: Iterable[TurnRecord], limit: int = 5) -> list[str]:
    """A few distinct problems, so a run with errors says what they were."""
    seen: list[str] = []
    for record in records:
        if record.outcome == "ok" and record.stored is not False:
            continue
        what = record.outcome if record.stored is not False else f"{record.outcome}, not stored"
        line = f"{what} ({record.channel}, {record.mix}, {record.sender}, {record.text!r}): {record.detail}"[
            :300
        ]
        if line not in seen:
            seen.append(line)
        if len(seen) >= limit:
            break
    return seen
