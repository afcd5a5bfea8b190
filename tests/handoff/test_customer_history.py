"""Who the customer is: the console shows their earlier tickets with outcome and flags a repeat contact about
the same problem within 30 days."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aiohttp.test_utils import TestClient

from handoff.customer_history import repeat_of
from tests.handoff.conftest import AUTH, handoff_body, open_ticket
from tests.handoff.test_console import add_user, log_in
from tests.handoff.test_routing import consoles  # noqa: F401 (a fixture)
from tests.handoff.test_service_levels import ticket

NOW = dt.datetime(2025, 3, 10, 10, 0, tzinfo=dt.UTC)


async def test_the_second_ticket_shows_the_first_with_its_outcome_and_a_repeat_flag(
    client: TestClient,
) -> None:
    await add_user(client, "alice")
    csrf = await log_in(client, "alice")
    first = await (await client.post("/api/handoffs", json=handoff_body("conv-1"), headers=AUTH)).json()
    await client.post(f"/api/handoffs/{first['ticket_id']}/cancel", headers=AUTH)
    customer = {"channel_user_id": "someone-else", "email": "SAM@example.com"}
    second = await (
        await client.post("/api/handoffs", json=handoff_body("conv-2", customer=customer), headers=AUTH)
    ).json()
    other = await (
        await client.post(
            "/api/handoffs",
            json=handoff_body("conv-3", customer={"channel_user_id": "x", "email": "kim@example.com"}),
            headers=AUTH,
        )
    ).json()
    detail = await (
        await client.get(f"/console/api/tickets/{second['ticket_id']}", headers={"X-CSRF-Token": csrf})
    ).json()
    assert [t["ticket_id"] for t in detail["earlier_tickets"]] == [first["ticket_id"]]
    assert detail["earlier_tickets"][0]["outcome"] == "Cancelled by the customer"
    assert detail["repeat_of"] == first["ticket_id"]
    unrelated = await (await client.get(f"/console/api/tickets/{other['ticket_id']}")).json()
    assert unrelated["earlier_tickets"] == [] and unrelated["repeat_of"] is None


def test_a_repeat_needs_the_same_problem_within_30_days() -> None:
    current = ticket(NOW, ticket_id=3, category="wifi")
    older = ticket(NOW - dt.timedelta(days=31), ticket_id=1, category="wifi")
    other_problem = ticket(NOW - dt.timedelta(days=2), ticket_id=2, category="printer")
    assert repeat_of(current, [other_problem, older]) is None
    recent = ticket(NOW - dt.timedelta(days=29), ticket_id=1, category="wifi")
    assert repeat_of(current, [other_problem, recent]) == recent


async def test_earlier_tickets_of_queues_the_agent_does_not_work_are_not_shown(
    client: TestClient,
    consoles: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    """The same customer had an account-queue ticket; a network agent opening their Wi-Fi ticket does not
    read its summary or resolution notes, a supervisor does."""
    net = await consoles("nina", skills=("network",))
    boss = await consoles("sue", role="supervisor")
    account = await open_ticket(client, "conv-1", queue="account", summary="Locked out of payroll")
    path = f"/console/api/tickets/{account['ticket_id']}"
    assert (await boss.post(f"{path}/claim", {})).status == 200
    assert (await boss.post(f"{path}/resolve", {"notes": "Unlocked Sam's payroll account"})).status == 200
    general = await open_ticket(client, "conv-2", queue="general", summary="Printer jams", category="printer")
    await client.post(f"/api/handoffs/{general['ticket_id']}/cancel", headers=AUTH)
    wifi = await open_ticket(client, "conv-3", queue="network")

    seen_by_nina = await net.get_json(f"/console/api/tickets/{wifi['ticket_id']}")
    assert [t["ticket_id"] for t in seen_by_nina["earlier_tickets"]] == [general["ticket_id"]]
    assert "payroll" not in json.dumps(seen_by_nina)
    seen_by_sue = await boss.get_json(f"/console/api/tickets/{wifi['ticket_id']}")
    assert [t["ticket_id"] for t in seen_by_sue["earlier_tickets"]] == [
        general["ticket_id"],
        account["ticket_id"],
    ]
    assert seen_by_sue["earlier_tickets"][1]["resolution_notes"] == "Unlocked Sam's payroll account"
