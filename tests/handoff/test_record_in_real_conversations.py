"""The ticket an agent reads after real conversations (Rasa + action server + handoff service): every
message once and in order, each troubleshooting step named with its question and the customer's answer,
KB articles with whether they helped, and a one-line summary of what the customer needs."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from stack.services import Stack
from tests.integration.test_handoff import Console, console  # noqa: F401 - the logged-in agent fixture

pytestmark = pytest.mark.integration


def tickets(stack: Stack, conversation_id: str) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{stack.handoff_url}/api/conversations/{conversation_id}/handoffs",
        headers={"Authorization": f"Bearer {stack.handoff_token}"},
        timeout=10.0,
    )
    reply.raise_for_status()
    return reply.json()["handoffs"]


def synced_ticket(stack: Stack, conversation_id: str, last_bot_words: str) -> dict[str, Any]:
    """The ticket once the handoff service has copied the bot's reply that followed the handoff."""
    deadline = time.monotonic() + 20
    while True:
        found = tickets(stack, conversation_id)
        if found and any(last_bot_words in m["text"] for m in found[-1]["transcript"]):
            time.sleep(2.5)  # two more sync rounds: a duplicate would show up by now
            return tickets(stack, conversation_id)[-1]
        assert time.monotonic() < deadline, found
        time.sleep(0.5)


def bot_texts(stack: Stack, conversation_id: str) -> list[str]:
    events = stack.tracker(conversation_id)["events"]
    return [
        e["text"]
        for e in events
        if e.get("event") == "bot" and e.get("text") and not (e.get("metadata") or {}).get("handoff_role")
    ]


async def test_script_then_asking_for_a_person_reads_once_in_order_with_named_steps(
    stack: Stack,
    console: Console,  # noqa: F811 - an agent is online, so the ticket waits and the chat is synced
    conversation_id: str,
) -> None:
    said = ["my wifi is not working", "Short steps", "yes", "I want to talk to a person"]
    for text in said:
        await asyncio.to_thread(stack.send_text, conversation_id, text)
    ticket = await asyncio.to_thread(synced_ticket, stack, conversation_id, "Your ticket number is")
    transcript = ticket["transcript"]
    assert [m["text"] for m in transcript if m["role"] == "customer"] == said
    # Every bot message of the conversation, once, in the order the customer saw them.
    assert [m["text"] for m in transcript if m["role"] == "bot"] == bot_texts(stack, conversation_id)
    stamps = [m["timestamp"] for m in transcript]
    assert stamps == sorted(stamps)
    steps = [a for a in ticket["actions_taken"] if a["type"] == "diagnostic_step"]
    assert steps[0]["script_title"] and "Wi-Fi" in steps[0]["script_title"]
    assert steps[0]["question"] and steps[0]["answer"] == "yes"
    assert all(s["step_title"] for s in steps)
    assert steps[-1]["answer"] == "I want to talk to a person"
    assert "\n" not in ticket["summary"] and "person" in ticket["summary"].lower()
    assert "wi-fi" in ticket["summary"].lower()


async def test_the_console_suggests_the_help_article_that_fits_the_conversation(
    stack: Stack,
    console: Console,  # noqa: F811
    conversation_id: str,
) -> None:
    for text in ["my laptop can't connect to the wifi network", "I want to talk to a person"]:
        await asyncio.to_thread(stack.send_text, conversation_id, text)
    [ticket] = await asyncio.to_thread(tickets, stack, conversation_id)
    async with console.http.get(f"{console.base}/console/api/tickets/{ticket['ticket_id']}/suggestions") as r:
        assert r.status == 200, await r.text()
        found = await r.json()
    assert "wifi" in found["query"]
    assert found["articles"] and found["articles"][0]["doc_id"] == "wifi-connect"
    async with console.http.get(f"{console.base}{found['articles'][0]['link']}") as page:
        assert page.status == 200  # the link the agent sends opens the help page
