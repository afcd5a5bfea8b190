"""What a customer types on each channel is redacted before Rasa's tracker store keeps it, and the first
reply carries the privacy notice (a file as the very first message too). Real Rasa, action server and
handoff service; the apps' APIs faked on 127.0.0.1; the tracker store's files searched byte by byte."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
import socketio

from tests.channels.conftest import ChannelStack
from tests.channels.customers import TelegramCustomer
from tests.channels.test_channel_conversations import customer_on, handoffs, user_events, wait_for
from tests.channels.test_channel_files import JPEG

pytestmark = pytest.mark.integration
NOTICE = "This chat is recorded to help you"
REMOVED = "I removed"
PASSWORD = "Wombat-Kettle-93"
CARD = "4111 1111 1111 1111"
SAID = f"my password is {PASSWORD} and my card is {CARD}, please fix my login"


def tracker_bytes(channels: ChannelStack) -> bytes:
    db: Path = channels.stack.config.tracker_db
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def assert_not_stored(channels: ChannelStack, *secrets: str) -> None:
    stored = tracker_bytes(channels)
    for secret in secrets:
        assert secret.encode() not in stored, f"{secret!r} is in the tracker store"


@pytest.mark.parametrize("channel", ["telegram", "twilio"])
async def test_secrets_never_reach_the_tracker_and_the_first_reply_has_the_notice(
    channel_stack: ChannelStack, channel: str
) -> None:
    customer = customer_on(channel_stack, channel)
    assert customer.say(SAID).status_code == 200
    sent = await wait_for(lambda: [s.text for s in customer.sent() if NOTICE in s.text] and customer.sent())
    texts = [s.text for s in sent]
    assert REMOVED in texts[0] and "IT staff will never ask for your password" in texts[0]
    [user] = await wait_for(lambda: user_events(channel_stack, customer.conversation_id))
    assert "[password]" in user["text"] and "[card number]" in user["text"]
    assert_not_stored(channel_stack, PASSWORD, CARD, "4111111111111111")

    customer.say("thanks")  # the notice is said once per conversation
    await wait_for(lambda: len(user_events(channel_stack, customer.conversation_id)) == 2)
    await asyncio.sleep(2)
    assert sum(NOTICE in s.text for s in customer.sent()) == 1


async def test_a_file_as_the_first_message_gets_the_notice(channel_stack: ChannelStack) -> None:
    customer = customer_on(channel_stack, "telegram")
    assert isinstance(customer, TelegramCustomer)
    channel_stack.fakes["telegram"].files["AgADfirst"] = JPEG  # type: ignore[attr-defined]
    assert customer.send_photo("AgADfirst").status_code == 200
    texts = await wait_for(lambda: [s.text for s in customer.sent() if NOTICE in s.text])
    assert len(texts) == 1


async def test_website_chat_secrets_and_metadata_never_reach_the_tracker(channel_stack: ChannelStack) -> None:
    session = f"web-{uuid.uuid4().hex[:12]}"
    replies: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    chat = socketio.AsyncClient()
    chat.on("bot_uttered", replies.put)
    await chat.connect(channel_stack.stack.rasa_url, socketio_path="/socket.io", transports=["websocket"])
    try:
        await chat.emit("session_request", {"session_id": session})
        await asyncio.sleep(1.0)
        note = "call me on 07700 900123, card 5555 5555 5555 4444"
        await chat.emit(
            "user_uttered",
            {"message": SAID, "session_id": session, "metadata": {"note": note, "site": "Leeds"}},
        )
        said: list[str] = []
        while not any(NOTICE in text for text in said):
            said.append(str((await asyncio.wait_for(replies.get(), timeout=60)).get("text") or ""))
    finally:
        await chat.disconnect()
    assert REMOVED in said[0]
    [user] = await wait_for(lambda: user_events(channel_stack, session))
    assert user["metadata"].get("site") == "Leeds" and "note" not in user["metadata"]
    assert_not_stored(channel_stack, PASSWORD, CARD, "5555 5555 5555 4444", "07700 900123")


def test_rest_metadata_is_screened_before_the_tracker(channel_stack: ChannelStack) -> None:
    sender = f"rest-{uuid.uuid4().hex[:12]}"
    answer = httpx.post(
        f"{channel_stack.stack.rasa_url}/webhooks/rest/webhook",
        json={
            "sender": sender,
            "message": "my printer is jammed",
            "metadata": {
                "customer_id": "c-17",
                "comment": "pw: Otter-Lamp-55",
                "site": "card 4111 1111 1111 1111",
            },
        },
        timeout=60,
    )
    assert answer.status_code == 200
    assert any(NOTICE in m.get("text", "") for m in answer.json())
    [user] = user_events(channel_stack, sender)
    sent = {k: v for k, v in user["metadata"].items() if k not in ("model_id", "assistant_id")}  # Rasa's own
    assert sent == {"customer_id": "c-17", "site": "card [card number]"}
    assert_not_stored(channel_stack, "Otter-Lamp-55", "4111 1111 1111 1111")


async def test_delete_my_data_on_telegram_is_verified_by_the_channel(channel_stack: ChannelStack) -> None:
    customer = customer_on(channel_stack, "telegram")
    customer.say("please delete all my data")
    await wait_for(lambda: [s for s in customer.sent() if "Shall I send the request?" in s.text])
    customer.say("yes")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    assert ticket["request_type"] == "data_erasure"
    assert ticket["request_details"]["Identity"].startswith("verified by the channel: Telegram")
    done = await wait_for(lambda: [s.text for s in customer.sent() if s.text.startswith("Done.")])
    assert "check that it is really you" not in done[0]
