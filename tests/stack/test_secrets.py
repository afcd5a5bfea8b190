from __future__ import annotations

import stat
from pathlib import Path

import pytest

from stack.secrets import load_or_create_secrets


def test_secrets_are_generated_once_private_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("RASA_AUTH_TOKEN", "HANDOFF_API_TOKEN", "HANDOFF_SESSION_SECRET"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "secrets.json"
    first = load_or_create_secrets(path)
    assert len(first.rasa_auth_token) >= 32
    assert first.rasa_auth_token != first.handoff_api_token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secrets(path) == first


def test_environment_overrides_the_stored_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secrets.json"
    load_or_create_secrets(path)
    monkeypatch.setenv("RASA_AUTH_TOKEN", "from-the-environment")
    assert load_or_create_secrets(path).rasa_auth_token == "from-the-environment"
