"""Service levels that mean what they say: live targets for live chats, working hours for after-hours tickets
and service requests, and time left before a breach."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from handoff.models import Customer, Ticket
from handoff.service_levels import standing, working_minutes
from handoff.settings import BusinessHours, ServiceLevels
from tests.handoff.conftest import AUTH, handoff_body
from tests.handoff.test_console import add_user, log_in

OFFICE = BusinessHours(always_open=False, days=(0, 1, 2, 3, 4), open=dt.time(9), close=dt.time(17))
LEVELS = ServiceLevels()  # live 30 / 10 minutes, after hours 4 working hours
FRIDAY_EVENING = dt.datetime(2025, 3, 7, 18, 0, tzinfo=dt.UTC)
MONDAY_MORNING = dt.datetime(2025, 3, 10, 9, 30, tzinfo=dt.UTC)


def ticket(opened: dt.datetime, **fields: Any) -> Ticket:
    values: dict[str, Any] = {
        "ticket_id": 1,
        "conversation_id": "c",
        "status": "waiting",
        "channel": "socketio",
        "customer": Customer(channel_user_id="c"),
        "summary": "",
        "category": None,
        "reason": "customer_request",
        "escalation_type": "horizontal",
        "queue": "general",
        "priority": "normal",
        "contact_time": None,
        "handoff_time": opened,
        "first_agent_response_time": None,
        "assigned_agent": None,
        "actions_taken": [],
        "resolution_notes": None,
        "resolution_time": None,
        "satisfaction_rating": None,
        "satisfaction_comment": None,
        "callback": None,
    }
    return Ticket(**(values | fields))


def test_working_minutes_skip_nights_and_weekends() -> None:
    assert working_minutes(OFFICE, FRIDAY_EVENING, MONDAY_MORNING) == 30
    assert working_minutes(OFFICE, MONDAY_MORNING, MONDAY_MORNING - dt.timedelta(hours=1)) == 0


def test_an_after_hours_ticket_is_not_breached_over_the_weekend() -> None:
    friday = ticket(FRIDAY_EVENING, status="offline")
    saturday = standing(friday, LEVELS, OFFICE, FRIDAY_EVENING + dt.timedelta(hours=16))
    assert (saturday.kind, saturday.state, saturday.elapsed_minutes) == ("after_hours", "on_track", 0)
    assert saturday.label == "4.0 h working left"
    monday_noon = standing(friday, LEVELS, OFFICE, dt.datetime(2025, 3, 10, 12, 30, tzinfo=dt.UTC))
    assert monday_noon.state == "due_soon" and monday_noon.left_minutes == 30
    monday_late = standing(friday, LEVELS, OFFICE, dt.datetime(2025, 3, 10, 14, 0, tzinfo=dt.UTC))
    assert monday_late.state == "breached" and monday_late.label == "Breached by 60 min"


def test_a_live_ticket_counts_minutes_against_its_priority_target() -> None:
    opened = dt.datetime(2025, 3, 10, 10, 0, tzinfo=dt.UTC)
    urgent = ticket(opened, priority="high")
    assert standing(urgent, LEVELS, OFFICE, opened + dt.timedelta(minutes=4)).state == "on_track"
    assert standing(urgent, LEVELS, OFFICE, opened + dt.timedelta(minutes=7)).label == "3 min left"
    assert standing(urgent, LEVELS, OFFICE, opened + dt.timedelta(minutes=12)).state == "breached"
    answered = ticket(opened, first_agent_response_time=opened + dt.timedelta(minutes=20))
    assert standing(answered, LEVELS, OFFICE, opened + dt.timedelta(hours=3)).state == "met"


def test_a_callback_ticket_is_held_to_the_after_hours_level() -> None:
    opened = dt.datetime(2025, 3, 10, 10, 0, tzinfo=dt.UTC)
    callback = ticket(opened, callback={"email": "a@example.com", "consent": True})
    late = standing(callback, LEVELS, OFFICE, opened + dt.timedelta(hours=1))
    assert (late.kind, late.state, late.target_minutes) == ("after_hours", "on_track", 240)


async def test_supervisor_view_shows_time_left_and_the_level_used(client: TestClient) -> None:
    await add_user(client, "sue", role="supervisor")
    await log_in(client, "sue")
    await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)
    text = await (await client.get("/console/supervisor")).text()
    assert "After hours (working time)" in text  # nobody online: the ticket is offline
    assert "working left" in text and "MISSED" not in text
    # Updated in place by script, never a page reload under the supervisor (axe: meta-refresh).
    assert 'http-equiv="refresh"' not in text and "/static/supervisor.js" in text


def test_a_service_request_runs_against_its_type_fulfilment_target_until_it_is_done() -> None:
    opened = MONDAY_MORNING  # 09:30 Monday; 24 working hours = three office days
    request = ticket(opened, ticket_type="request", request_type="software", service_level_hours=24)
    answered = opened + dt.timedelta(minutes=20)
    tuesday = standing(
        request.model_copy(update={"first_agent_response_time": answered}),
        LEVELS,
        OFFICE,
        dt.datetime(2025, 3, 11, 9, 30, tzinfo=dt.UTC),
    )
    # a first reply does not stop the clock: the request is not done yet (8 working hours used)
    assert (tuesday.kind, tuesday.state, tuesday.label) == ("request", "on_track", "16.0 h working left")
    late = standing(request, LEVELS, OFFICE, dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC))
    assert late.state == "breached"
    done = request.model_copy(update={"resolution_time": dt.datetime(2025, 3, 12, 10, 0, tzinfo=dt.UTC)})
    assert standing(done, LEVELS, OFFICE, dt.datetime(2025, 3, 20, 9, 0, tzinfo=dt.UTC)).state == "met"
