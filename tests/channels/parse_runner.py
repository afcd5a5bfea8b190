"""Run in the Rasa venv by test_channel_parse_properties.py: each case's body through its channel's
`parse()`; prints, as JSON, every case that raised something other than ValueError or returned a customer
action with a text that is not a string."""

from __future__ import annotations

import base64
import json
import os
import sys
import traceback
from types import SimpleNamespace
from typing import Any

os.environ.update(
    {
        "TELEGRAM_WEBHOOK_SECRET": "s",
        "TELEGRAM_BOT_TOKEN": "1:t",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_BOT_TOKEN": "xoxb-t",
        "MESSENGER_APP_SECRET": "s",
        "MESSENGER_VERIFY_TOKEN": "v",
        "MESSENGER_PAGE_ACCESS_TOKEN": "p",
        "TWILIO_AUTH_TOKEN": "t",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_SMS_NUMBER": "+15550000001",
        "TWILIO_WHATSAPP_NUMBER": "+15550000002",
    }
)

from bot.channels.messenger import MessengerChannel
from bot.channels.slack import SlackChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.twilio_sms import TwilioSmsChannel, TwilioWhatsAppChannel

CHANNELS: dict[str, Any] = {
    "telegram": TelegramChannel(),
    "slack": SlackChannel(),
    "facebook": MessengerChannel(),
    "twilio": TwilioSmsChannel(),
    "twilio_whatsapp": TwilioWhatsAppChannel(),
}


def main() -> None:
    cases = json.loads(sys.stdin.read())
    problems = []
    for case in cases:
        body = base64.b64decode(case["body"])
        request = SimpleNamespace(
            body=body,
            content_type=case["content_type"],
            headers={"Content-Type": case["content_type"]},
            path=f"/webhooks/{case['channel']}/webhook",
            query_string="",
        )
        try:
            found = CHANNELS[case["channel"]].parse(request)
            bad = [i for i in found if not (i.text is None or isinstance(i.text, str))]
            if not isinstance(found, list) or bad:
                problems.append({**case, "error": f"returned a text of type {type(bad[0].text).__name__}"})
        except ValueError:
            pass
        except Exception as error:  # the property: nothing else escapes
            where = traceback.extract_tb(error.__traceback__)[-1]
            problems.append(
                {**case, "error": f"{type(error).__name__}: {error} at {where.name}:{where.lineno}"}
            )
    print(json.dumps({"cases": len(cases), "problems": problems}))


if __name__ == "__main__":
    main()
