"""Which messaging apps are switched on, read from the environment (pure Python, no Rasa imports).

A channel is on only when every one of its required variables is set. `stack/channels.py` uses this table to
write the credentials file Rasa starts with and to print the webhook URLs; each connector reads its own
settings from the same variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelSpec:
    name: str  # Rasa's channel name: the webhook is /webhooks/<name>/webhook
    title: str
    connector: str  # dotted class path for the credentials file
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def enabled(self, env: Mapping[str, str]) -> bool:
        return all(env.get(variable, "").strip() for variable in self.required)

    def webhook_path(self) -> str:
        return f"/webhooks/{self.name}/webhook"


CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        "telegram",
        "Telegram",
        "bot.channels.telegram.TelegramChannel",
        ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"),
        ("TELEGRAM_API_URL",),
    ),
    ChannelSpec(
        "slack",
        "Slack",
        "bot.channels.slack.SlackChannel",
        ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
        ("SLACK_API_URL",),
    ),
    ChannelSpec(
        "twilio",
        "SMS (Twilio)",
        "bot.channels.twilio_sms.TwilioSmsChannel",
        ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_NUMBER"),
        ("TWILIO_API_URL", "PUBLIC_WEBHOOK_BASE_URL"),
    ),
    ChannelSpec(
        "twilio_whatsapp",
        "WhatsApp (Twilio)",
        "bot.channels.twilio_sms.TwilioWhatsAppChannel",
        ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_NUMBER"),
        ("TWILIO_API_URL", "PUBLIC_WEBHOOK_BASE_URL"),
    ),
    ChannelSpec(
        "facebook",
        "Facebook Messenger",
        "bot.channels.messenger.MessengerChannel",
        ("MESSENGER_PAGE_ACCESS_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN"),
        ("MESSENGER_GRAPH_URL",),
    ),
)


def enabled_channels(env: Mapping[str, str] | None = None) -> list[ChannelSpec]:
    source = os.environ if env is None else env
    return [spec for spec in CHANNELS if spec.enabled(source)]
