"""Complaint priority comes from the customer's words (a complaint or frustration), never from one intent
label: a routine question the NLU called a complaint opens a normal ticket in its problem's queue."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from handoff.routing import sounds_like_complaint
from tests.handoff.conftest import AUTH, open_ticket

DATA = Path(__file__).parent / "data" / "complaint_messages.csv"
MESSAGES = list(csv.DictReader(DATA.open(encoding="utf-8")))


def test_the_message_set_covers_every_kind() -> None:
    kinds = {row["kind"] for row in MESSAGES}
    assert len(MESSAGES) >= 40 and kinds == {"routine", "ask", "complaint", "frustration"}


@pytest.mark.parametrize("row", MESSAGES, ids=[row["text"][:40] for row in MESSAGES])
def test_each_message_is_read_as_a_complaint_only_when_it_is_one(row: dict[str, str]) -> None:
    assert sounds_like_complaint(row["text"]) is (row["complaint"] == "yes")


def _said(text: str) -> list[dict[str, str]]:
    return [
        {"role": "customer", "text": text, "timestamp": "2025-03-03T10:00:00+00:00"},
        {"role": "bot", "text": "I'm sorry about that.", "timestamp": "2025-03-03T10:00:01+00:00"},
    ]


async def _ticket(client: TestClient, **body: object) -> dict:
    created = await open_ticket(client, **body)
    return await (await client.get(f"/api/handoffs/{created['ticket_id']}", headers=AUTH)).json()


async def test_a_routine_question_labelled_complaint_opens_a_normal_ticket(client: TestClient) -> None:
    ticket = await _ticket(
        client,
        reason="complaint",
        queue="complaint",
        escalation_type="vertical",
        priority="high",
        category=None,
        transcript=_said("what time do you guys close on fridays"),
    )
    assert (ticket["reason"], ticket["priority"], ticket["queue"]) == (
        "customer_request",
        "normal",
        "general",
    )
    assert ticket["escalation_type"] == "horizontal"


async def test_a_real_complaint_keeps_its_complaint_routing(client: TestClient) -> None:
    ticket = await _ticket(
        client,
        reason="complaint",
        queue="complaint",
        escalation_type="vertical",
        priority="high",
        transcript=_said("This is the third time the VPN dropped. Unacceptable."),
    )
    assert (ticket["reason"], ticket["priority"], ticket["queue"]) == ("complaint", "high", "complaint")


async def test_frustration_raises_priority_without_changing_the_queue(client: TestClient) -> None:
    ticket = await _ticket(client, transcript=_said("I'm fed up, my wifi is down AGAIN AND AGAIN"))
    assert (ticket["priority"], ticket["queue"], ticket["reason"]) == ("high", "network", "customer_request")
