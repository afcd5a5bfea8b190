"""Local secrets: taken from the environment, else generated once into var/secrets.json (mode 0600)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SECRET_NAMES = ("RASA_AUTH_TOKEN", "HANDOFF_API_TOKEN", "HANDOFF_SESSION_SECRET")


@dataclass(frozen=True)
class Secrets:
    rasa_auth_token: str
    handoff_api_token: str
    handoff_session_secret: str


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def fresh_secrets() -> Secrets:
    """Secrets for a throw-away stack (tests, benchmarks): never stored."""
    return Secrets(
        rasa_auth_token=new_secret(), handoff_api_token=new_secret(), handoff_session_secret=new_secret()
    )


def load_or_create_secrets(path: Path) -> Secrets:
    """Environment values win; missing ones are generated and kept in ``path`` for the next start."""
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    values: dict[str, str] = {}
    for name in SECRET_NAMES:
        value = os.environ.get(name) or stored.get(name)
        if not value:
            value = new_secret()
            stored[name] = value
            changed = True
        values[name] = value
    if changed:
        _write_private(path, stored)
    return Secrets(
        rasa_auth_token=values["RASA_AUTH_TOKEN"],
        handoff_api_token=values["HANDOFF_API_TOKEN"],
        handoff_session_secret=values["HANDOFF_SESSION_SECRET"],
    )


def stored_secret(path: Path, name: str) -> str:
    """One more secret in the same kind of file (e.g. the cluster's PostgreSQL password): the environment's
    value wins, else the stored one, else a new one that is stored for the next start."""
    stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    value = os.environ.get(name) or stored.get(name)
    if not value:
        value = stored[name] = new_secret()
        _write_private(path, stored)
    return value


def _write_private(path: Path, stored: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(stored, handle, indent=2)
