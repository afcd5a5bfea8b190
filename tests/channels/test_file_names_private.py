"""A customer's file name is customer text: a card number in it never reaches the handoff service's request
log or the stored ticket. The channel's hand-over code against the real handoff app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.channels.file_handover import hand_over
from handoff import create_app
from handoff.state import STORE
from tests.handoff.conftest import AUTH, TOKEN, handoff_body, make_settings
from tests.handoff.test_attachments import tiny_png

CARD = "4111 1111 1111 1111"


async def test_a_card_number_in_a_file_name_is_neither_logged_nor_stored(
    aiohttp_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aiohttp_client(create_app(make_settings(tmp_path)))
    await client.post("/api/handoffs", json=handoff_body("conv-card"), headers=AUTH)
    monkeypatch.setenv("HANDOFF_URL", str(client.make_url("")))
    monkeypatch.setenv("HANDOFF_API_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession() as session:
        stored = await hand_over(session, "conv-card", "telegram", f"card {CARD}.png", tiny_png())
    assert stored["name"] == "card [card number].png"
    [ticket] = await client.app[STORE].list_tickets(("waiting", "offline"))
    [listed] = (await client.app[STORE].get_ticket(ticket.ticket_id)).attachments
    assert listed.name == "card [card number].png"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/attachments" in logged  # the request line was logged...
    assert "4111" not in logged and "card%20" not in logged  # ...without the name in it


async def test_an_older_bot_sending_the_name_in_the_address_still_has_it_redacted_when_stored(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(make_settings(tmp_path)))
    answer = await client.post(
        "/api/conversations/conv-old/attachments",
        params={"channel": "slack", "name": f"my card {CARD}.png"},
        data=tiny_png(),
        headers=AUTH,
    )
    assert (await answer.json())["attachment"]["name"] == "my card [card number].png"
