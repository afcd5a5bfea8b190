"""The bot → handoff HTTP API on the real app: tickets, errors, auth."""

from __future__ import annotations

import datetime as dt
import json

from aiohttp.test_utils import TestClient

from handoff.settings import BusinessHours
from tests.handoff.conftest import AUTH, ClientFactory, handoff_body


async def test_health_answers_without_auth(client: TestClient) -> None:
    response = await client.get("/health")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_creating_a_handoff_stores_the_ticket_with_transcript_and_actions(client: TestClient) -> None:
    response = await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)
    assert response.status == 201
    created = await response.json()
    assert created["status"] == "offline"  # nobody is logged in to the console
    ticket = await (await client.get(f"/api/handoffs/{created['ticket_id']}", headers=AUTH)).json()
    assert ticket["customer"] == {"channel_user_id": "conv-1", "name": "Sam", "email": "sam@example.com"}
    assert [m["text"] for m in ticket["transcript"]] == [
        "My Wi-Fi keeps dropping",
        "Let's check your router.",
        "I want a person",
    ]
    assert [m["role"] for m in ticket["transcript"]] == ["customer", "bot", "customer"]
    assert ticket["actions_taken"][0]["doc_id"] == "wifi-drops"
    assert ticket["category"] == "wifi"
    assert (ticket["escalation_type"], ticket["queue"]) == ("technical", "network")
    assert ticket["contact_time"].startswith("2025-03-03T10:00:00")
    assert ticket["handoff_time"] and ticket["first_agent_response_time"] is None
    assert ticket["resolution_time"] is None and ticket["resolution_notes"] is None


async def test_a_second_request_in_the_same_conversation_reuses_the_open_ticket(client: TestClient) -> None:
    first = await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json()
    again = await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)
    assert again.status == 200
    assert (await again.json())["ticket_id"] == first["ticket_id"]
    listed = await (await client.get("/api/conversations/conv-1/handoffs", headers=AUTH)).json()
    assert len(listed["handoffs"]) == 1


async def test_outside_business_hours_the_ticket_is_offline_with_the_hours(
    make_client: ClientFactory,
) -> None:
    client = await make_client(
        hours=BusinessHours(
            timezone="Europe/London", open=dt.time(9, 0), close=dt.time(9, 0), always_open=False
        )
    )
    body = await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json()
    assert body["status"] == "offline"
    assert body["open_now"] is False
    assert "Europe/London" in body["business_hours"]


async def test_customer_html_is_stored_verbatim_and_returned_as_json_text(client: TestClient) -> None:
    script = "<script>alert('x')</script>"
    body = handoff_body(summary=script)
    body["transcript"][0]["text"] = script
    created = await (await client.post("/api/handoffs", json=body, headers=AUTH)).json()
    ticket = await (await client.get(f"/api/handoffs/{created['ticket_id']}", headers=AUTH)).json()
    assert ticket["summary"] == script and ticket["transcript"][0]["text"] == script


async def test_requests_without_the_bearer_token_are_refused(client: TestClient) -> None:
    for method, path in [
        ("POST", "/api/handoffs"),
        ("GET", "/api/handoffs/1"),
        ("GET", "/api/conversations/conv-1/handoffs"),
        ("GET", "/metrics"),
    ]:
        response = await client.request(
            method, path, json=handoff_body(), headers={"Authorization": "Bearer wrong"}
        )
        assert response.status == 401, path
        assert "error" in await response.json()


async def test_bad_bodies_get_a_clear_4xx(client: TestClient) -> None:
    post = "/api/handoffs"
    wrong_type = await client.post(post, data="hello", headers={**AUTH, "Content-Type": "text/plain"})
    assert wrong_type.status == 415
    malformed = await client.post(post, data="{bad", headers={**AUTH, "Content-Type": "application/json"})
    assert malformed.status == 400 and "malformed JSON" in (await malformed.json())["error"]
    not_utf8 = await client.post(
        post, data=b"\xff\xfe{}", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert not_utf8.status == 400 and "UTF-8" in (await not_utf8.json())["error"]
    empty = await client.post(post, data=b"", headers={**AUTH, "Content-Type": "application/json"})
    assert empty.status == 400
    half_character = json.dumps(handoff_body(summary="printer \ud800 broken"))  # valid JSON, not valid text
    assert "\\ud800" in half_character
    broken = await client.post(
        post, data=half_character, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert broken.status == 400 and "broken character" in (await broken.json())["error"]
    huge = await client.post(
        post,
        data=json.dumps(handoff_body(summary="x" * 2_000_000)),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert huge.status == 413
    assert "error" in await huge.json()


async def test_invalid_fields_are_named_without_echoing_the_input(client: TestClient) -> None:
    secret = "my-password-is-hunter2"
    response = await client.post(
        "/api/handoffs", json=handoff_body(reason=secret, conversation_id=""), headers=AUTH
    )
    assert response.status == 400
    error = (await response.json())["error"]
    assert "reason" in error and "conversation_id" in error
    assert secret not in error


async def test_escalation_type_and_queue_are_separate_and_checked(client: TestClient) -> None:
    async def post(conversation_id: str, **fields: object) -> tuple[int, dict[str, object]]:
        body = handoff_body(conversation_id, **fields)
        for name, value in fields.items():
            if value is None:
                del body[name]
        response = await client.post("/api/handoffs", json=body, headers=AUTH)
        return response.status, await response.json()

    status, created = await post("c-admin", escalation_type="administrative", queue="account")
    ticket = await (await client.get(f"/api/handoffs/{created['ticket_id']}", headers=AUTH)).json()
    assert status == 201 and (ticket["escalation_type"], ticket["queue"]) == ("administrative", "account")
    # A queue name is not an escalation type, and a type is not a queue.
    assert (await post("c-bad-type", escalation_type="network", queue="network"))[0] == 400
    assert (await post("c-bad-queue", escalation_type="technical", queue="technical"))[0] == 400
    # Defaults: sideways to the general queue.
    status, created = await post("c-default", escalation_type=None, queue=None)
    ticket = await (await client.get(f"/api/handoffs/{created['ticket_id']}", headers=AUTH)).json()
    assert (ticket["escalation_type"], ticket["queue"]) == ("horizontal", "general")
    # A bot from before the split sends the queue as escalation_type: read the same way as the migration.
    status, created = await post("c-legacy", escalation_type="complaint", queue=None)
    ticket = await (await client.get(f"/api/handoffs/{created['ticket_id']}", headers=AUTH)).json()
    assert status == 201 and (ticket["escalation_type"], ticket["queue"]) == ("vertical", "complaint")


async def test_unknown_tickets_and_conversations(client: TestClient) -> None:
    assert (await client.get("/api/handoffs/999", headers=AUTH)).status == 404
    assert (await client.get("/api/handoffs/not-a-number", headers=AUTH)).status == 404
    listed = await (await client.get("/api/conversations/nobody/handoffs", headers=AUTH)).json()
    assert listed["handoffs"] == []


async def test_cancel_feedback_and_callback_are_stored(client: TestClient) -> None:
    ticket_id = (await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json())[
        "ticket_id"
    ]
    callback = await client.put(
        f"/api/handoffs/{ticket_id}/callback",
        json={"consent": True, "email": "sam@example.com"},
        headers=AUTH,
    )
    assert callback.status == 200
    no_consent = await client.put(
        f"/api/handoffs/{ticket_id}/callback",
        json={"consent": False, "email": "sam@example.com"},
        headers=AUTH,
    )
    assert no_consent.status == 400
    cancelled = await client.post(f"/api/handoffs/{ticket_id}/cancel", headers=AUTH)
    assert (await cancelled.json())["status"] == "cancelled"
    again = await client.post(f"/api/handoffs/{ticket_id}/cancel", headers=AUTH)
    assert again.status == 409
    bad_rating = await client.put(f"/api/handoffs/{ticket_id}/feedback", json={"rating": 9}, headers=AUTH)
    assert bad_rating.status == 400
    feedback = await client.put(
        f"/api/handoffs/{ticket_id}/feedback",
        json={"rating": 4, "comment": "quick <b>help</b>"},
        headers=AUTH,
    )
    assert feedback.status == 200
    ticket = await (await client.get(f"/api/handoffs/{ticket_id}", headers=AUTH)).json()
    assert ticket["satisfaction_rating"] == 4 and ticket["satisfaction_comment"] == "quick <b>help</b>"
    assert ticket["callback"]["email"] == "sam@example.com" and ticket["callback"]["consent"] is True


async def test_metrics_report_the_queue(client: TestClient) -> None:
    await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)
    text = await (await client.get("/metrics", headers=AUTH)).text()
    assert "handoff_queue_length" in text
    assert 'handoff_tickets_total{reason="customer_request",status="offline"} 1.0' in text
    assert "handoff_first_response_seconds" in text
