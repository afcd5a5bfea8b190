"""Settings fail at start with one clear line; the service starts from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from handoff.errors import ConfigError
from handoff.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


def test_missing_token_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOFF_API_TOKEN", raising=False)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "HANDOFF_API_TOKEN" in str(caught.value) and "\n" not in str(caught.value)


def test_nested_hours_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_API_TOKEN", "x" * 20)
    monkeypatch.setenv("HANDOFF_HOURS__TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("HANDOFF_HOURS__DAYS", "[0, 2]")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5999")
    settings = load_settings()
    assert settings.hours.timezone == "Europe/Paris" and settings.hours.days == (0, 2)
    assert settings.rasa_url == "http://127.0.0.1:5999"


def test_bad_timezone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_API_TOKEN", "x" * 20)
    monkeypatch.setenv("HANDOFF_HOURS__TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match="timezone"):
        load_settings()


def test_a_database_or_redis_url_of_another_kind_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_API_TOKEN", "x" * 20)
    monkeypatch.setenv("HANDOFF_DATABASE_URL", "mysql://root@127.0.0.1/handoff")
    with pytest.raises(ConfigError, match=r"HANDOFF_DATABASE_URL: .*PostgreSQL URL"):
        load_settings()
    monkeypatch.setenv("HANDOFF_DATABASE_URL", "postgresql://a:b@127.0.0.1:5432/handoff")
    monkeypatch.setenv("HANDOFF_REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ConfigError, match=r"HANDOFF_REDIS_URL: .*Redis URL"):
        load_settings()
    monkeypatch.setenv("HANDOFF_REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = load_settings()
    assert settings.database_url is not None and "a:b" not in repr(settings)  # the password is never shown


def test_the_entry_point_exits_with_the_message_when_unconfigured(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_")}
    done = subprocess.run(
        [sys.executable, "-m", "handoff"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("handoff: invalid handoff settings: HANDOFF_API_TOKEN")
    )


def test_users_cli_creates_an_agent(tmp_path: Path) -> None:
    env = {**os.environ, "HANDOFF_DB": str(tmp_path / "h.db"), "AGENT_PW": "correct horse battery"}
    command = [
        sys.executable,
        "-m",
        "handoff",
        "users",
        "create",
        "alice",
        "--name",
        "Alice",
        "--password-env",
        "AGENT_PW",
    ]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "created agent alice" in done.stdout
    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "alice" in again.stderr
