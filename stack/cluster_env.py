"""The environment that turns the single-box assistant into the cluster profile: where PostgreSQL and Redis
are. The names are the servers' own (handoff/settings.py, bot/endpoints.yml and bot/scale/); the same
variables go in the systemd units of docs/deploy.md."""

from __future__ import annotations

from collections.abc import Mapping

# One PostgreSQL database per part: Rasa's trackers, the handoff service's tickets and agents.
DATABASES = ("rasa", "handoff")


def cluster_env(postgres_urls: Mapping[str, str], redis_url: str) -> dict[str, str]:
    return {
        # Handoff service (handoff/settings.py): tickets, queue and agents in PostgreSQL; presence and
        # console events in Redis.
        "HANDOFF_DATABASE_URL": postgres_urls["handoff"],
        "HANDOFF_REDIS_URL": redis_url,
        # Privacy export, erasure and retention edit Rasa's conversations too (handoff/tracker_events.py).
        "HANDOFF_TRACKER_DB": postgres_urls["rasa"],
        # HAProxy on this host: the console's login throttle reads the client from its X-Forwarded-For.
        "HANDOFF_TRUSTED_PROXIES": "127.0.0.1,::1",
        # Rasa (bot/endpoints.yml, bot/scale/): trackers in PostgreSQL; conversation locks and socket.io
        # messages between instances through Redis.
        "TRACKER_DB": postgres_urls["rasa"],
        "REDIS_URL": redis_url,
    }
