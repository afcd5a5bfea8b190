"""Prometheus metrics of the handoff service, in a registry of its own (one per app)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    queue_length: Gauge
    oldest_wait: Gauge
    agents_online: Gauge
    handoffs: Counter
    wait_seconds: Histogram
    first_response_seconds: Histogram
    resolution_seconds: Histogram

    @classmethod
    def create(cls) -> Metrics:
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            queue_length=Gauge(
                "handoff_queue_length", "Tickets waiting for an agent", ["queue"], registry=registry
            ),
            oldest_wait=Gauge(
                "handoff_oldest_wait_seconds", "Wait of the longest-waiting ticket", registry=registry
            ),
            agents_online=Gauge("handoff_agents_online", "Agents with a console open", registry=registry),
            handoffs=Counter(
                "handoff_tickets_total", "Handoff tickets opened", ["reason", "status"], registry=registry
            ),
            wait_seconds=Histogram(
                "handoff_wait_seconds", "Handoff to claim", buckets=_WAIT_BUCKETS, registry=registry
            ),
            first_response_seconds=Histogram(
                "handoff_first_response_seconds",
                "Handoff to the first agent message",
                buckets=_WAIT_BUCKETS,
                registry=registry,
            ),
            resolution_seconds=Histogram(
                "handoff_resolution_seconds",
                "Handoff to resolution",
                buckets=_WAIT_BUCKETS,
                registry=registry,
            ),
        )
