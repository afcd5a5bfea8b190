"""Customers' files and names on the messaging apps, end to end: real Rasa, action server and handoff
service; the apps' APIs faked on 127.0.0.1 (they serve the files and the profile lookups). A photo reaches
the ticket and the agent downloads the same bytes from the console; a disguised or oversized file is
refused with a plain message while the customer's words still go through; the app's display name shows."""

from __future__ import annotations

import os
from typing import Any

import pytest

from bot.channels.attachments import CANNOT_READ_FILES, FILE_NOT_RECEIVED, REFUSED_FILE
from tests.channels.conftest import ChannelStack
from tests.channels.customers import MessengerCustomer, SlackCustomer, TelegramCustomer, TwilioCustomer
from tests.channels.test_channel_conversations import customer_on, handoffs, user_events, wait_for
from tests.handoff.test_attachments import tiny_png
from tests.integration.test_handoff import Console

pytestmark = pytest.mark.integration
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + os.urandom(3000) + b"\xff\xd9"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + os.urandom(4000)


async def ticket_detail(console: Console, ticket_id: int) -> dict[str, Any]:
    async with console.http.get(f"{console.base}/console/api/tickets/{ticket_id}") as response:
        assert response.status == 200
        return await response.json()


async def downloaded(console: Console, ticket_id: int, item: dict[str, Any]) -> tuple[bytes, Any]:
    async with console.http.get(f"{console.base}/console/tickets/{ticket_id}/files/{item['id']}") as response:
        assert response.status == 200
        return await response.read(), response.headers


async def files_on(console: Console, ticket_id: int, count: int = 1) -> list[dict[str, Any]]:
    async def enough() -> list[dict[str, Any]]:
        found = (await ticket_detail(console, ticket_id))["attachments"]
        return found if len(found) >= count else []

    return await wait_for_async(enough)


async def wait_for_async(check: Any, tries: int = 100) -> Any:
    import asyncio

    for _ in range(tries):
        if result := await check():
            return result
        await asyncio.sleep(0.3)
    raise AssertionError("nothing arrived in time")


async def test_a_telegram_photo_sent_to_an_agent_downloads_with_the_same_bytes(
    channel_stack: ChannelStack, console: Console
) -> None:
    customer = customer_on(channel_stack, "telegram")
    assert isinstance(customer, TelegramCustomer)
    customer.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    await console.post(f"/console/api/tickets/{ticket['ticket_id']}/claim", {})
    channel_stack.fakes["telegram"].files["AgADerror"] = JPEG  # type: ignore[attr-defined]
    before = len(customer.sent())
    assert customer.send_photo("AgADerror").status_code == 200

    [item] = await files_on(console, ticket["ticket_id"])
    assert item["content_type"] == "image/jpeg" and item["size"] == len(JPEG)
    data, headers = await downloaded(console, ticket["ticket_id"], item)
    assert data == JPEG
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    detail = await ticket_detail(console, ticket["ticket_id"])
    assert "test-token" not in str(detail)  # the Telegram file address (it holds the bot token) is nowhere
    assert customer.sent()[before:] == []  # a person owns the chat: the bot stays quiet


async def test_a_slack_picture_sent_to_the_bot_is_on_the_ticket_when_they_ask_for_a_person(
    channel_stack: ChannelStack, console: Console
) -> None:
    customer = customer_on(channel_stack, "slack")
    assert isinstance(customer, SlackCustomer)
    slack = channel_stack.fakes["slack"]
    slack.users[f"U{customer.user}"] = "ana.lopez"  # type: ignore[attr-defined]
    png = tiny_png()
    slack.files[f"T1-F{customer.user}/error.png"] = png  # type: ignore[attr-defined]
    url = slack.file_url(f"T1-F{customer.user}/error.png")  # type: ignore[attr-defined]
    assert customer.send_file(url, "error.png", "image/png", len(png)).status_code == 200
    await wait_for(lambda: any(CANNOT_READ_FILES in s.text for s in customer.sent()))

    customer.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    assert ticket["customer"]["name"] == "ana.lopez"  # Slack users.info, shown in the customer panel
    [item] = await files_on(console, ticket["ticket_id"])
    assert item["name"] == "error.png" and item["content_type"] == "image/png"
    assert (await downloaded(console, ticket["ticket_id"], item))[0] == png
    sent_to_slack = [r for r in slack.requests if r.path.startswith("/files-pri/")]
    assert sent_to_slack and all(r.headers.get("Authorization") == "Bearer xoxb-test" for r in sent_to_slack)


async def test_a_disguised_or_oversized_file_is_refused_and_the_words_still_go_through(
    channel_stack: ChannelStack, console: Console
) -> None:
    customer = customer_on(channel_stack, "slack")
    assert isinstance(customer, SlackCustomer)
    slack = channel_stack.fakes["slack"]
    slack.files[f"T1-X{customer.user}/photo.png"] = PROGRAM  # type: ignore[attr-defined]
    disguised = slack.file_url(f"T1-X{customer.user}/photo.png")  # type: ignore[attr-defined]
    customer.send_file(disguised, "photo.png", "image/png", len(PROGRAM), text="my printer is offline")
    await wait_for(lambda: any(REFUSED_FILE in s.text for s in customer.sent()))
    said = await wait_for(lambda: user_events(channel_stack, customer.conversation_id))
    assert said[0]["text"] == "my printer is offline"

    huge = tiny_png() + b"\x00" * (10 * 1024 * 1024)  # says 1 KB, is over 10 MB: stopped while streaming
    slack.files[f"T1-Y{customer.user}/big.png"] = huge  # type: ignore[attr-defined]
    before = len(customer.sent())
    customer.send_file(slack.file_url(f"T1-Y{customer.user}/big.png"), "big.png", "image/png", 1000)  # type: ignore[attr-defined]
    await wait_for(lambda: any(REFUSED_FILE in s.text for s in customer.sent()[before:]))

    customer.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    assert (await ticket_detail(console, ticket["ticket_id"]))["attachments"] == []


async def test_messenger_name_comes_from_the_profile_and_an_expired_image_is_explained(
    channel_stack: ChannelStack, console: Console
) -> None:
    customer = customer_on(channel_stack, "facebook")
    assert isinstance(customer, MessengerCustomer)
    graph = channel_stack.fakes["facebook"]
    graph.profiles[customer.user] = ("Ana", "Lopez")  # type: ignore[attr-defined]
    graph.expired.add("old.jpg")  # type: ignore[attr-defined]
    assert customer.send_image(graph.cdn_url("old.jpg")).status_code == 200  # type: ignore[attr-defined]
    await wait_for(lambda: any(FILE_NOT_RECEIVED in s.text for s in customer.sent()))
    customer.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    assert ticket["customer"]["name"] == "Ana Lopez"
    detail = await ticket_detail(console, ticket["ticket_id"])
    assert detail["customer"]["name"] == "Ana Lopez"


async def test_whatsapp_media_is_fetched_with_the_account_auth_and_reaches_the_agent(
    channel_stack: ChannelStack, console: Console
) -> None:
    customer = customer_on(channel_stack, "twilio_whatsapp")
    assert isinstance(customer, TwilioCustomer)
    customer.say("I want to talk to a person")
    [ticket] = await wait_for(lambda: handoffs(channel_stack, customer.conversation_id))
    await console.post(f"/console/api/tickets/{ticket['ticket_id']}/claim", {})
    twilio = channel_stack.fakes["twilio"]
    media_sid = f"ME{customer.user}"
    twilio.media[media_sid] = (JPEG, "image/jpeg")  # type: ignore[attr-defined]
    assert customer.send_media(twilio.media_url(media_sid), "image/jpeg").status_code == 200  # type: ignore[attr-defined]
    assert customer.send_media(twilio.media_url("MEvideo"), "video/mp4").status_code == 200  # type: ignore[attr-defined]

    [item] = await files_on(console, ticket["ticket_id"])
    assert (await downloaded(console, ticket["ticket_id"], item))[0] == JPEG
    await wait_for(lambda: any(REFUSED_FILE in s.text for s in customer.sent()))
    assert len((await ticket_detail(console, ticket["ticket_id"]))["attachments"]) == 1


async def test_a_telegram_voice_note_is_explained_without_a_download_and_a_sticker_reads_as_its_emoji(
    channel_stack: ChannelStack,
) -> None:
    customer = customer_on(channel_stack, "telegram")
    assert isinstance(customer, TelegramCustomer)
    telegram = channel_stack.fakes["telegram"]
    voice = {"file_id": "AwADvoice", "file_unique_id": "v1", "duration": 4, "mime_type": "audio/ogg"}
    assert customer.send_media("voice", voice).status_code == 200
    await wait_for(lambda: any(REFUSED_FILE in s.text for s in customer.sent()))
    assert not [r for r in telegram.requests if "AwADvoice" in (r.path + r.body.decode(errors="replace"))]  # type: ignore[attr-defined]

    sticker = {"file_id": "CAADsticker", "file_unique_id": "s1", "type": "regular", "emoji": "\U0001f44d"}
    assert customer.send_media("sticker", sticker).status_code == 200
    said = await wait_for(lambda: user_events(channel_stack, customer.conversation_id))
    assert [event["text"] for event in said] == ["\U0001f44d"]
