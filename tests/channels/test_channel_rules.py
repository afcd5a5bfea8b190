"""Webhook verification, retry de-duplication, numbered choices, splitting and Messenger's window."""

from __future__ import annotations

import time

from twilio.request_validator import RequestValidator

from bot.channels.attachments import Attachment, worth_downloading
from bot.channels.dedup import RecentIds
from bot.channels.messaging_window import HUMAN_AGENT, RESPONSE, send_mode
from bot.channels.numbered_choices import OfferedChoices, chosen_payload, numbered_list
from bot.channels.opt_out import OptOutList, keyword
from bot.channels.registry import enabled_channels
from bot.channels.signatures import (
    messenger_signature,
    messenger_signature_ok,
    slack_signature,
    slack_signature_ok,
    telegram_secret_ok,
    twilio_signature_ok,
)
from bot.channels.splitting import split_message

BUTTONS = [
    {"title": "Reset my password", "payload": '/reset_password{"who": "me"}'},
    {"title": "Talk to a person", "payload": "/human_handoff"},
]


def test_telegram_secret_must_match_exactly() -> None:
    assert telegram_secret_ok("s3cret", "s3cret")
    assert not telegram_secret_ok("s3creT", "s3cret")
    assert not telegram_secret_ok(None, "s3cret")
    assert not telegram_secret_ok("", "s3cret")


def test_slack_signature_checks_body_and_five_minute_window() -> None:
    now = time.time()
    stamp = str(int(now))
    body = b'{"type":"event_callback"}'
    good = slack_signature("secret", stamp, body)
    assert slack_signature_ok("secret", stamp, body, good, now=now)
    assert not slack_signature_ok("secret", stamp, body + b" ", good, now=now)
    assert not slack_signature_ok("other", stamp, body, good, now=now)
    assert not slack_signature_ok("secret", stamp, body, good, now=now + 301)  # replayed later
    assert not slack_signature_ok("secret", "abc", body, good, now=now)
    assert not slack_signature_ok("secret", None, body, good, now=now)


def test_twilio_signature_covers_url_and_fields() -> None:
    url = "https://support.example.com/webhooks/twilio/webhook"
    fields = {"From": "+15550001111", "Body": "hi", "MessageSid": "SM1"}
    signature = RequestValidator("token").compute_signature(url, fields)
    assert twilio_signature_ok("token", url, fields, signature)
    assert not twilio_signature_ok("token", url, {**fields, "Body": "bye"}, signature)
    assert not twilio_signature_ok("token", url.replace("https", "http"), fields, signature)
    assert not twilio_signature_ok("token", url, fields, None)


def test_messenger_needs_sha256_of_the_raw_body() -> None:
    body = b'{"object":"page"}'
    header = messenger_signature("app-secret", body)
    assert messenger_signature_ok("app-secret", body, header)
    assert not messenger_signature_ok("app-secret", body + b"x", header)
    assert not messenger_signature_ok("app-secret", body, header.replace("sha256=", "sha1="))
    assert not messenger_signature_ok("app-secret", body, None)


def test_a_retry_is_dropped_until_it_expires() -> None:
    recent = RecentIds(capacity=3, ttl_seconds=60)
    assert recent.first_time("update:1", now=0)
    assert not recent.first_time("update:1", now=10)
    assert recent.first_time("update:1", now=100)  # a day-old id may come back as a new event
    for number in range(2, 6):
        assert recent.first_time(f"update:{number}", now=101)
    assert len(recent._seen) <= 3


def test_numbered_list_never_shows_payloads() -> None:
    text = numbered_list("What do you need?", BUTTONS)
    assert "1. Reset my password" in text and "2. Talk to a person" in text
    assert "/" not in text and "{" not in text


def test_number_or_title_picks_the_payload() -> None:
    assert chosen_payload("1", BUTTONS) == BUTTONS[0]["payload"]
    assert chosen_payload(" 2. ", BUTTONS) == "/human_handoff"
    assert chosen_payload("talk to a  PERSON", BUTTONS) == "/human_handoff"
    assert chosen_payload("3", BUTTONS) is None
    assert chosen_payload("my printer is broken", BUTTONS) is None


def test_offer_is_used_once_and_per_conversation() -> None:
    choices = OfferedChoices()
    choices.offer("+1555", BUTTONS)
    assert choices.resolve("+1666", "1") == "1"
    assert choices.resolve("+1555", "1") == BUTTONS[0]["payload"]
    assert choices.resolve("+1555", "1") == "1"  # the offer is gone after one reply


def test_long_replies_split_at_the_limit_on_word_boundaries() -> None:
    text = ("word " * 900).strip()
    parts = split_message(text, 1600)
    assert len(parts) == 3 and all(len(part) <= 1600 for part in parts)
    assert " ".join(parts) == text
    assert split_message("x" * 5000, 2000) == ["x" * 2000, "x" * 2000, "x" * 1000]


def test_messenger_window_allows_human_agent_for_seven_days_only() -> None:
    now = 1_000_000_000.0
    assert send_mode(now - 3600, from_person=False, now=now) == RESPONSE
    assert send_mode(now - 2 * 86400, from_person=True, now=now) == HUMAN_AGENT
    assert send_mode(now - 2 * 86400, from_person=False, now=now) is None
    assert send_mode(now - 8 * 86400, from_person=True, now=now) is None


def test_sms_keywords_and_opt_out_survive_a_restart(tmp_path) -> None:
    assert keyword(" stop. ") == "STOP" and keyword("Help") == "HELP"
    assert keyword("stop the printer beeping") is None
    store = OptOutList(tmp_path / "opt_out.json")
    store.set("+15550001111", True)
    assert OptOutList(tmp_path / "opt_out.json").opted_out("+15550001111")
    store.set("+15550001111", False)
    assert not OptOutList(tmp_path / "opt_out.json").opted_out("+15550001111")


def test_a_channel_is_on_only_with_all_its_credentials() -> None:
    env = {"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_SECRET": "s", "SLACK_BOT_TOKEN": "x"}
    assert [spec.name for spec in enabled_channels(env)] == ["telegram"]
    twilio = {"TWILIO_ACCOUNT_SID": "AC", "TWILIO_AUTH_TOKEN": "t", "TWILIO_WHATSAPP_NUMBER": "+1"}
    assert [spec.name for spec in enabled_channels(twilio)] == ["twilio_whatsapp"]


def test_files_the_app_already_rules_out_are_not_downloaded() -> None:
    assert worth_downloading(Attachment("https://x/1.jpg", "image/jpeg", size=2_000_000))
    assert worth_downloading(Attachment("https://x/1", "image"))  # Messenger names only the kind
    assert worth_downloading(Attachment("https://x/1", "application/octet-stream"))  # decided by its bytes
    assert not worth_downloading(Attachment("https://x/1.mp4", "video/mp4"))
    assert not worth_downloading(Attachment("https://x/1.png", "image/png", size=11 * 1024 * 1024))
    assert not worth_downloading(Attachment("", "image/png"))
