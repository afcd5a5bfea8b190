"""Messaging-app channels switched on by their credentials in the environment.

`bot/credentials.yml` stays the base (REST + website chat). When any messaging app's variables are set
(table in bot/channels/registry.py, documented in docs/channels.md), Rasa is started with a generated copy
that also lists those connectors; the connectors read their secrets from the environment, so the file
holds no secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from bot.channels.registry import ChannelSpec, enabled_channels
from stack import paths


def active_channels(extra_env: Mapping[str, str]) -> list[ChannelSpec]:
    return enabled_channels({**os.environ, **extra_env})


def credentials_file(workdir: Path, extra_env: Mapping[str, str]) -> Path:
    """The credentials file to start Rasa with: the base one, plus a line per switched-on app."""
    channels = active_channels(extra_env)
    if not channels:
        return paths.CREDENTIALS_FILE
    base = paths.CREDENTIALS_FILE.read_text(encoding="utf-8").rstrip("\n")
    lines = [base, "", "# Messaging apps switched on by their environment variables (stack/channels.py)."]
    lines += [f"{spec.connector}: {{}}" for spec in channels]
    target = workdir / "credentials.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def webhook_urls(rasa_url: str, extra_env: Mapping[str, str]) -> list[tuple[str, str]]:
    """(app, URL to give the app) for each switched-on channel; the public base when one is set."""
    env = {**os.environ, **extra_env}
    base = (env.get("PUBLIC_WEBHOOK_BASE_URL") or rasa_url).rstrip("/")
    return [(spec.title, base + spec.webhook_path()) for spec in enabled_channels(env)]
