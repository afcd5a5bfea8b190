"""Each messaging app end to end: real Rasa + action server + handoff service, the app's API faked on
127.0.0.1. Signed webhook → buttons shaped for the app → the first option → a person → the agent's reply
reaches the app; forged, unsigned and replayed webhooks are refused; a retry gives one bot turn."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.channels.conftest import ChannelStack
from tests.channels.customers import (
    Customer,
    MessengerCustomer,
    Sent,
    SlackCustomer,
    TelegramCustomer,
    TwilioCustomer,
    WhatsAppCustomer,
)
from tests.integration.test_handoff import Console

pytestmark = pytest.mark.integration
KINDS: dict[str, type[Customer]] = {
    "telegram": TelegramCustomer,
    "slack": SlackCustomer,
    "twilio": TwilioCustomer,
    "twilio_whatsapp": WhatsAppCustomer,
    "facebook": MessengerCustomer,
}
CHANNELS = list(KINDS)


def customer_on(channels: ChannelStack, channel: str) -> Customer:
    return KINDS[channel](
        channels.stack.rasa_url, channels.fakes[channel], channels.secrets[channel], channel
    )


async def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("nothing arrived in time")
        await asyncio.sleep(0.3)


def user_events(channels: ChannelStack, conversation_id: str) -> list[dict[str, Any]]:
    events = channels.stack.tracker(conversation_id).get("events") or []
    return [e for e in events if e["event"] == "user"]


def handoffs(channels: ChannelStack, conversation_id: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {channels.stack.handoff_token}"}
    url = f"{channels.stack.handoff_url}/api/conversations/{conversation_id}/handoffs"
    return list(httpx.get(url, headers=headers, timeout=30).json()["handoffs"])


def visible_payload(sent: Sent) -> bool:
    return bool(re.search(r"/\w+\{|/\w+$", sent.text, re.MULTILINE))


@pytest.mark.parametrize("channel", CHANNELS)
async def test_customer_picks_an_option_then_reaches_a_person(
    channel_stack: ChannelStack, console: Console, channel: str
) -> None:
    customer = customer_on(channel_stack, channel)
    answer = customer.say("how do I reset my password?")
    assert answer.status_code == 200

    with_buttons = await wait_for(lambda: [s for s in customer.sent() if s.buttons])
    offer = with_buttons[0]
    assert not any(visible_payload(sent) for sent in customer.sent())
    if channel.startswith("twilio"):
        assert re.search(r"^1\. ", offer.text, re.MULTILINE)  # one message with a numbered list
    bot_events = [
        e for e in channel_stack.stack.tracker(customer.conversation_id)["events"] if e["event"] == "bot"
    ]
    first_payload = next(
        e["data"]["buttons"][0]["payload"] for e in bot_events if (e.get("data") or {}).get("buttons")
    )
    first_intent = first_payload.lstrip("/").split("{", 1)[0]

    assert customer.press_first(offer).status_code == 200
    picked = await wait_for(lambda: [e for e in user_events(channel_stack, customer.conversation_id)[1:]])
    assert picked[0]["parse_data"]["intent"]["name"] == first_intent
    if channel == "telegram":
        assert any(r.path.endswith("/answerCallbackQuery") for r in customer.fake.requests)

    customer.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    assert ticket["channel"] == channel
    assert ticket["customer"]["channel_user_id"] == customer.conversation_id
    if channel in ("telegram", "twilio_whatsapp"):
        assert ticket["customer"]["name"] == "Ana Lopez"

    path = f"/console/api/tickets/{ticket['ticket_id']}"
    await console.post(f"{path}/claim", {})
    await console.post(f"{path}/typing", {})
    if channel in ("telegram", "facebook"):  # apps with a typing indicator show the agent typing
        typing_calls = ("/sendChatAction", "typing_on")
        await wait_for(
            lambda: [
                r for r in customer.fake.requests if any(c in r.path + r.body.decode() for c in typing_calls)
            ]
        )
    before = len(customer.sent())
    reply = await console.post(f"{path}/messages", {"text": "Hi, this is Sam from IT. Which laptop is it?"})
    assert reply["delivered"] is True and reply["message"]["delivery_status"] == "delivered"
    arrived = await wait_for(lambda: customer.sent()[before:])
    assert any("Which laptop is it?" in sent.text for sent in arrived)


@pytest.mark.parametrize("channel", CHANNELS)
async def test_forged_unsigned_and_replayed_webhooks_are_refused(
    channel_stack: ChannelStack, channel: str
) -> None:
    customer = customer_on(channel_stack, channel)
    body, extra = customer.message_body("I want to talk to a person", "424242")
    unsigned = customer.post(body, {"Content-Type": "application/json", **extra})
    assert unsigned.status_code == 401
    signed = customer.signed(body, extra)
    forged = {
        key: (value[:-2] + "xx" if "ignature" in key or "Secret" in key else value)
        for key, value in signed.items()
    }
    assert customer.post(body, forged).status_code == 403
    if not isinstance(customer, TelegramCustomer):  # Telegram's secret token is not a signature of the body
        tampered = body.replace(b"person", b"robot")
        assert customer.post(tampered, signed).status_code == 403
    if isinstance(customer, SlackCustomer):
        old = customer.signed(body, extra, stamp=int(time.time()) - 600)
        assert customer.post(body, old).status_code == 403
    await asyncio.sleep(1.0)
    assert user_events(channel_stack, customer.conversation_id) == []
    assert customer.sent() == []


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_retried_webhook_gives_one_bot_turn(channel_stack: ChannelStack, channel: str) -> None:
    customer = customer_on(channel_stack, channel)
    for _ in range(3):
        assert customer.say("hello", event_id="777001").status_code == 200
    await wait_for(lambda: customer.sent())
    await asyncio.sleep(2.0)
    assert len(user_events(channel_stack, customer.conversation_id)) == 1


async def test_agent_sees_why_a_reply_did_not_reach_the_customer(
    channel_stack: ChannelStack, console: Console
) -> None:
    sms = customer_on(channel_stack, "twilio")
    sms.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, sms.conversation_id))
    path = f"/console/api/tickets/{ticket['ticket_id']}"
    await console.post(f"{path}/claim", {})
    channel_stack.fakes["twilio"].unsubscribed.add(sms.conversation_id)  # type: ignore[attr-defined]
    reply = await console.post(f"{path}/messages", {"text": "Are you still there?"})
    assert reply["delivered"] is False
    assert reply["message"]["delivery_status"] == "failed" and "21610" in reply["message"]["delivery_error"]
    detail = await (await console.http.get(f"{console.base}{path}")).json()
    assert any(m.get("delivery_status") == "failed" for m in detail["transcript"])


async def test_sms_stop_is_honoured_until_start(channel_stack: ChannelStack, console: Console) -> None:
    sms = customer_on(channel_stack, "twilio")
    sms.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, sms.conversation_id))
    sms.say("STOP")
    await asyncio.sleep(1.0)
    path = f"/console/api/tickets/{ticket['ticket_id']}"
    await console.post(f"{path}/claim", {})
    before = len(sms.sent())
    reply = await console.post(f"{path}/messages", {"text": "Hello?"})
    assert reply["delivered"] is False and "STOP" in reply["message"]["delivery_error"]
    assert len(sms.sent()) == before  # nothing went out to the number
    sms.say("START")
    await wait_for(lambda: any("on again" in s.text for s in sms.sent()))


async def test_an_sms_yes_answers_the_bot_when_the_number_never_opted_out(
    channel_stack: ChannelStack,
) -> None:
    # YES is also an SMS opt-in keyword; from a number that never sent STOP it is an answer to the bot
    sms = customer_on(channel_stack, "twilio")
    for text, shown in [("my wifi keeps dropping", "how should I explain"), ("Short steps", "other devices")]:
        before = len(sms.sent())
        sms.say(text)
        await wait_for(lambda shown=shown, before=before: any(shown in s.text for s in sms.sent()[before:]))
    before = len(sms.sent())
    sms.say("yes")
    await wait_for(lambda: any("airplane mode" in s.text for s in sms.sent()[before:]))
    assert not any("on again" in s.text for s in sms.sent())


async def test_messenger_agent_reply_after_a_day_uses_the_human_agent_tag(
    channel_stack: ChannelStack, console: Console
) -> None:
    customer = customer_on(channel_stack, "facebook")
    customer.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    path = f"/console/api/tickets/{ticket['ticket_id']}"
    await console.post(f"{path}/claim", {})
    graph = channel_stack.fakes["facebook"]
    graph.outside_24h.add(customer.user)  # type: ignore[attr-defined]
    reply = await console.post(f"{path}/messages", {"text": "Sorry for the wait."})
    assert reply["delivered"] is True
    tagged = [r.fields for r in graph.to(customer.user) if r.fields.get("tag") == "HUMAN_AGENT"]
    assert tagged and tagged[-1]["message"]["text"] == "Sorry for the wait."


def test_messenger_subscription_check(channel_stack: ChannelStack) -> None:
    url = f"{channel_stack.stack.rasa_url}/webhooks/facebook/webhook"
    ok = httpx.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"}
    )
    assert ok.status_code == 200 and ok.text == "42"
    wrong = httpx.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"}
    )
    assert wrong.status_code == 403


def test_bad_json_is_refused_with_400(channel_stack: ChannelStack) -> None:
    customer = customer_on(channel_stack, "telegram")
    body = b"{not json"
    answer = customer.post(body, customer.signed(body))
    assert answer.status_code == 400
    assert json.loads(answer.text)["error"].startswith("cannot read")
