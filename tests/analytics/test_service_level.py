"""The review's "within service level" uses the console's rules (handoff/service_levels.py): a ticket the
supervisor's live queue shows as met counts as met in the review, and the other way round."""

from __future__ import annotations

import dataclasses

import pytest

from analytics import timing
from analytics.records import TicketRecord
from handoff.models import Customer, Ticket
from handoff.service_levels import standing
from handoff.settings import BusinessHours, ServiceLevels
from tests.analytics.test_metrics import OFFICE, at, ticket

LEVELS = ServiceLevels()


def console_ticket(record: TicketRecord) -> Ticket:
    """The same ticket as the handoff service loads it for the supervisor view."""
    return Ticket(
        ticket_id=record.ticket_id,
        conversation_id=record.conversation_id,
        status=record.status,
        channel=record.channel,
        customer=Customer(channel_user_id=record.customer),
        summary=record.summary,
        category=record.category,
        reason=record.reason,
        escalation_type="technical",
        queue=record.queue,
        priority=record.priority,
        contact_time=None,
        handoff_time=record.handoff_time,
        first_agent_response_time=record.first_agent_response_time,
        assigned_agent=record.agent,
        actions_taken=[],
        resolution_notes=None,
        resolution_time=record.resolution_time,
        satisfaction_rating=record.rating,
        satisfaction_comment=record.comment,
        callback=record.callback,
        ticket_type=record.ticket_type or "incident",
        request_type=record.request_type,
        service_level_hours=record.service_level_hours,
    )


def tickets() -> list[TicketRecord]:
    """Monday 2026-11-02 is day 2; the office is open Mon-Fri 09-17."""
    return [
        # Friday 18:00, desk closed: held to the 4 after-hours working hours; answered Monday 10:00 = 1 h.
        ticket("late", at(6, 18), first_agent_response_time=at(9, 10), ticket_id=1),
        # A callback asked for at 10:00 on Monday, answered at 12:00: 2 working hours of 4 -> met.
        ticket("call", at(2, 10), first_agent_response_time=at(2, 12), callback={"phone": "x"}, ticket_id=2),
        # A software request with a 16-hour fulfilment target, done 12 working hours later -> met, although
        # the first answer took far longer than a live chat's 30 minutes.
        ticket(
            "sw",
            at(2, 9),
            first_agent_response_time=at(3, 12),
            resolution_time=at(3, 13),
            ticket_type="request",
            request_type="software",
            service_level_hours=16,
            ticket_id=3,
        ),
        # An access request with an 8-hour target, done 10 working hours later -> missed.
        ticket(
            "acc",
            at(2, 9),
            first_agent_response_time=at(2, 10),
            resolution_time=at(3, 11),
            ticket_type="request",
            request_type="access",
            service_level_hours=8,
            ticket_id=4,
        ),
        # A live chat at Monday 11:00 answered after 45 minutes -> missed the 30-minute target.
        ticket("live", at(2, 11), first_agent_response_time=at(2, 11.75), ticket_id=5),
        # Cancelled before anyone answered: nobody could meet it, left out.
        ticket("gone", at(2, 11), status="cancelled", ticket_id=6),
    ]


def test_a_ticket_the_console_shows_as_met_counts_as_met() -> None:
    until = at(9, 17)
    for record in tickets():
        shown = standing(console_ticket(record), LEVELS, OFFICE, until).state
        alone = timing.service_level([record], OFFICE, LEVELS, until)
        if record.status == "cancelled":
            assert alone == {}
            continue
        counted = alone[f"priority {record.priority}"]
        assert counted["tickets"] == 1
        assert (counted["within"] == 1) == (shown == "met"), (record.conversation_id, shown)


def test_per_priority_type_and_request_type() -> None:
    result = timing.service_level(tickets(), OFFICE, LEVELS, at(9, 17))
    # met: late, call, sw; missed: acc, live; cancelled one left out
    assert result["priority normal"] == {"tickets": 5, "within": 3, "share": 0.6}
    assert result["type request"] == {"tickets": 2, "within": 1, "share": 0.5}
    assert result["request software"] == {"tickets": 1, "within": 1, "share": 1.0}
    assert result["request access"] == {"tickets": 1, "within": 0, "share": 0.0}


def test_an_unanswered_ticket_counts_once_its_target_has_passed() -> None:
    waiting = ticket("w", at(2, 10), status="waiting", priority="high")
    assert timing.service_level([waiting], OFFICE, LEVELS, at(2, 10.1)) == {}  # 6 of 10 minutes: not due
    due = timing.service_level([waiting], OFFICE, LEVELS, at(2, 10.5))
    assert due["priority high"] == {"tickets": 1, "within": 0, "share": 0.0}
    always = dataclasses.replace(waiting, first_agent_response_time=at(2, 10.1))
    assert timing.service_level([always], BusinessHours(), LEVELS, at(3, 0))["priority high"]["share"] == 1.0


@pytest.mark.parametrize("hours", [OFFICE, BusinessHours()])
def test_report_and_console_agree_on_every_ticket(hours: BusinessHours) -> None:
    until = at(9, 17)
    records = [r for r in tickets() if r.status != "cancelled"]
    met_in_console = sum(standing(console_ticket(r), LEVELS, hours, until).state == "met" for r in records)
    assert timing.service_level(records, hours, LEVELS, until)["priority normal"]["within"] == met_in_console
