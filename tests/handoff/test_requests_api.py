"""Request tickets and the customer's-own-tickets endpoint on the real handoff app."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.handoff.conftest import AUTH, handoff_body

REQUEST = {
    "ticket_type": "request",
    "request_type": "access",
    "queue": "req-access",
    "escalation_type": "administrative",
    "request_details": {"What you need": "\\\\fs01\\finance", "Approved by": "Priya (manager)"},
    "service_level_hours": 8,
    "transcript": [],
}


async def test_a_request_is_its_own_ticket_beside_a_live_incident(client: TestClient) -> None:
    incident = await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json()
    first = await client.post("/api/handoffs", json=handoff_body(**REQUEST), headers=AUTH)
    second = await client.post("/api/handoffs", json=handoff_body(**REQUEST), headers=AUTH)
    assert first.status == 201 and second.status == 201
    made = [await first.json(), await second.json()]
    assert len({incident["ticket_id"], *(m["ticket_id"] for m in made)}) == 3
    # Not a live chat: saved for the request queue, no live queue place.
    assert all(m["status"] == "offline" and m["queue_position"] == 0 for m in made)
    ticket = await (await client.get(f"/api/handoffs/{made[0]['ticket_id']}", headers=AUTH)).json()
    assert ticket["ticket_type"] == "request" and ticket["request_type"] == "access"
    assert ticket["request_details"]["Approved by"] == "Priya (manager)" and ticket["due_time"]
    # The incident stays the conversation's open live ticket.
    again = await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json()
    assert again["ticket_id"] == incident["ticket_id"] and again["created"] is False


async def test_a_customer_sees_only_their_own_tickets_newest_first(client: TestClient) -> None:
    mine = await (
        await client.post("/api/handoffs", json=handoff_body("conv-a", **REQUEST), headers=AUTH)
    ).json()
    await client.post("/api/handoffs", json=handoff_body("conv-b", language="es"), headers=AUTH)
    listed = await (await client.get("/api/customers/conv-a/tickets", headers=AUTH)).json()
    assert [t["ticket_id"] for t in listed["tickets"]] == [mine["ticket_id"]]
    other = await (await client.get("/api/customers/conv-b/tickets", headers=AUTH)).json()
    assert other["tickets"][0]["language"] == "es" and other["tickets"][0]["ticket_type"] == "incident"
    unknown = await (await client.get("/api/customers/nobody/tickets", headers=AUTH)).json()
    assert unknown["tickets"] == []
    assert (await client.get("/api/customers/conv-a/tickets")).status == 401


async def test_a_request_without_a_type_or_with_a_bad_language_is_refused(client: TestClient) -> None:
    bad = await client.post("/api/handoffs", json=handoff_body(ticket_type="request"), headers=AUTH)
    assert bad.status == 400 and "request_type" in (await bad.json())["error"]
    wrong = await client.post("/api/handoffs", json=handoff_body(language="Spanish"), headers=AUTH)
    assert wrong.status == 400
