"""`make run` switches each messaging app on by its environment variables and prints its webhook URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack import paths
from stack.channels import credentials_file, webhook_urls

TELEGRAM = {"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_SECRET": "s3cret-value"}


@pytest.fixture(autouse=True)
def no_channel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "SLACK_BOT_TOKEN",
        "TWILIO_ACCOUNT_SID",
        "MESSENGER_PAGE_ACCESS_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PUBLIC_WEBHOOK_BASE_URL", raising=False)


def test_without_credentials_rasa_gets_the_base_file(tmp_path: Path) -> None:
    assert credentials_file(tmp_path, {}) == paths.CREDENTIALS_FILE
    assert webhook_urls("http://127.0.0.1:5005", {}) == []


def test_a_switched_on_app_is_added_without_writing_its_secrets(tmp_path: Path) -> None:
    written = credentials_file(tmp_path, TELEGRAM).read_text(encoding="utf-8")
    assert "bot.channels.rest.SafeRestInput" in written and "bot.channels.webchat.WebChatInput" in written
    assert "bot.channels.telegram.TelegramChannel: {}" in written
    assert "s3cret-value" not in written and "123:abc" not in written
    assert "slack" not in written


def test_webhook_urls_use_the_public_address_when_set() -> None:
    env = {**TELEGRAM, "PUBLIC_WEBHOOK_BASE_URL": "https://support.example.com/"}
    assert webhook_urls("http://127.0.0.1:5005", env) == [
        ("Telegram", "https://support.example.com/webhooks/telegram/webhook")
    ]
