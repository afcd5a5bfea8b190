"""Formulas against values worked out by hand on a small fixture (see docs/analytics.md)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from analytics import outcomes, people, satisfaction, timing, volume
from analytics.masking import mask
from analytics.records import Conversation, TicketRecord
from analytics.returns import Returns
from analytics.worktime import business_seconds
from handoff.settings import BusinessHours, ServiceLevels

UTC = dt.UTC
OFFICE = BusinessHours(
    always_open=False, timezone="UTC", days=(0, 1, 2, 3, 4), open=dt.time(9), close=dt.time(17)
)


def at(day: int, hour: float) -> dt.datetime:
    """2026-11-02 is a Monday."""
    return dt.datetime(2026, 11, 2, tzinfo=UTC) + dt.timedelta(days=day - 2, hours=hour)


def ticket(conv_id: str, handoff: dt.datetime, **kw) -> TicketRecord:
    values = dict(
        ticket_id=1,
        conversation_id=conv_id,
        customer=conv_id,
        status="resolved",
        channel="rest",
        summary="",
        category=None,
        reason="customer_request",
        queue="general",
        priority="normal",
        handoff_time=handoff,
        first_agent_response_time=None,
        resolution_time=None,
        agent="Ana",
        rating=None,
        comment=None,
    )
    values.update(kw)
    return TicketRecord(**values)


def conv(
    cid: str, customer: str, start: dt.datetime, minutes: float = 5, topic: int = 0, **kw
) -> Conversation:
    c = Conversation(
        cid,
        customer,
        customer,
        kw.pop("channel", "rest"),
        start,
        start + dt.timedelta(minutes=minutes),
        texts=["help"],
        topic=topic,
        first_bot_reply=start + dt.timedelta(seconds=2),
    )
    for key, value in kw.items():
        setattr(c, key, value)
    return c


def test_business_seconds_skip_nights_and_weekends() -> None:
    # Friday 16:00 to Monday 10:00 = 1 h Friday + 1 h Monday.
    assert business_seconds(OFFICE, at(6, 16), at(9, 10)) == 2 * 3600
    assert business_seconds(OFFICE, at(7, 10), at(8, 12)) == 0  # Saturday to Sunday
    assert business_seconds(BusinessHours(), at(7, 10), at(8, 12)) == 26 * 3600  # always open: wall clock
    assert business_seconds(OFFICE, at(3, 12), at(3, 11)) == 0


def fixture() -> list[Conversation]:
    """a: confirmed; b: assumed, back on the same topic after 3 days (not durable); b2: that return, assumed;
    c: left, back within 24 h on another topic (other); d: handed off (complaint), resolved, rated 2;
    e: handed off (customer_request), resolved, rated 5, the customer returns in 2 days on the same topic."""
    return [
        conv("a", "ann", at(2, 10), resolution="resolved_by_assistant"),
        conv("b", "bob", at(2, 11)),
        conv("b2", "bob", at(5, 11)),
        conv("c", "cat", at(3, 9), topic=1),
        conv("c2", "cat", at(3, 15), topic=2, resolution="unfinished"),
        conv(
            "d",
            "dan",
            at(4, 10),
            tickets=[
                ticket(
                    "d",
                    at(4, 10.1),
                    reason="complaint",
                    priority="high",
                    first_agent_response_time=at(4, 10.1) + dt.timedelta(minutes=5),
                    resolution_time=at(4, 12.1),
                    rating=2,
                    comment="too slow",
                )
            ],
        ),
        conv(
            "e",
            "eve",
            at(4, 16),
            tickets=[
                ticket(
                    "e",
                    at(4, 16.5),
                    first_agent_response_time=at(5, 9.5),
                    resolution_time=at(5, 10.5),
                    rating=5,
                )
            ],
        ),
        conv("e2", "eve", at(6, 9)),
    ]


def test_outcome_shares_add_up_and_match_hand_counts() -> None:
    convs = fixture()
    result = outcomes.compute(convs, Returns(convs)).as_dict()
    # 8 conversations: confirmed a; assumed b, b2, e2; other c (back in 6 h), c2 (unfinished); handed off d, e.
    assert result["confirmed_share"] == 1 / 8
    assert result["assumed_share"] == 3 / 8
    assert result["other_share"] == 2 / 8
    assert result["handoff_by_reason"] == {"complaint": 1 / 8, "customer_request": 1 / 8}
    total = (
        result["confirmed_share"]
        + result["assumed_share"]
        + result["other_share"]
        + sum(result["handoff_by_reason"].values())
    )
    assert total == pytest.approx(1.0)
    # durable: a, b2, e2 (b came back on topic 0 after 3 days) -> 3/8
    assert result["durable_share"] == 3 / 8
    # reopen: of 2 resolved tickets, e's customer came back on the same topic within 7 days -> 1/2
    assert result["reopen_rate"] == 0.5
    # FCR: durable a, b2, e2 + ticket d (no return) -> 4/8
    assert result["first_contact_resolution"] == 0.5


def test_times_count_working_hours_and_keep_bot_time_apart() -> None:
    convs = fixture()
    result = timing.compute(convs, OFFICE, ServiceLevels(), until=at(9, 0))
    # d: 5 min; e: handed off Wed 16:30, answered Thu 09:30 -> 30 + 30 = 60 working minutes. median 32.5
    assert result["first_agent_response_minutes"]["median"] == pytest.approx(32.5)
    assert result["first_agent_response_minutes"]["p90"] == pytest.approx(5 + 0.9 * 55)
    # resolution: d 2 h; e 0.5 h Wed + 1.5 h Thu = 2 h
    assert result["resolution_hours"]["median"] == pytest.approx(2.0)
    # bot time before handoff: d 6 min, e 30 min (wall clock)
    assert result["bot_minutes_before_handoff"]["median"] == pytest.approx(18.0)
    assert result["first_response_seconds"]["median"] == pytest.approx(2.0)
    # service level: d high (10 min target) answered in 5 -> met; e normal (30) answered in 60 -> missed
    assert result["service_level"]["priority high"]["share"] == 1.0
    assert result["service_level"]["priority normal"]["share"] == 0.0
    assert result["backlog"] == 0
    assert timing.backlog([t for c in convs for t in c.tickets], at(4, 11)) == 1  # d open then


def test_volume_uptake_and_heatmap() -> None:
    convs = fixture()
    result = volume.compute(convs, ZoneInfo("UTC"), at(2, 0).date(), at(7, 0).date())
    assert result["total"] == 8 and result["customers"] == 5 and result["uptake"] == 8 / 5
    assert dict(result["by_day"]) == {
        "2026-11-02": 2,
        "2026-11-03": 2,
        "2026-11-04": 2,
        "2026-11-05": 1,
        "2026-11-06": 1,
    }
    assert result["hour_weekday"][0][10] == 1 and result["hour_weekday"][2][16] == 1


def test_satisfaction_complaints_and_agents() -> None:
    convs = fixture()
    sat = satisfaction.compute(convs)["all"]
    # asked: tickets d and e, and a (the assistant solved it, so its survey followed; not answered)
    assert sat == {"asked": 3, "rated": 2, "mean": 3.5, "share_4_5": 0.5, "response_rate": 2 / 3}
    complaints = people.complaints(convs, OFFICE)
    assert complaints["count"] == 1 and complaints["resolution_hours_median"] == pytest.approx(2.0)
    [ana] = people.agents(convs, OFFICE)
    assert ana["tickets"] == 2 and ana["rating_mean"] == 3.5


def test_mask_removes_contact_details() -> None:
    text = mask("mail me at jo.bloggs@example.com or call +44 7700 900123, card 4111 1111 1111 1111")
    assert "example.com" not in text and "900123" not in text and "4111" not in text
    assert "[email address]" in text and "[phone number]" in text and "[card number]" in text


def test_reopen_counts_only_returns_after_the_resolution() -> None:
    """Fay wrote again while her ticket was still open (chasing it): not a reopen. Gus came back the day after
    his ticket was resolved: a reopen."""
    fay = conv(
        "f",
        "fay",
        at(2, 9),
        tickets=[ticket("f", at(2, 9.1), first_agent_response_time=at(2, 9.2), resolution_time=at(4, 12))],
    )
    chasing = conv("f2", "fay", at(3, 10))  # same topic, before the resolution
    gus = conv("g", "gus", at(2, 9), tickets=[ticket("g", at(2, 9.1), resolution_time=at(2, 15))])
    back = conv("g2", "gus", at(3, 9))
    convs = [fay, chasing, gus, back]
    result = outcomes.compute(convs, Returns(convs)).as_dict()
    assert result["reopen_rate"] == 0.5  # of 2 resolved tickets, only Gus's
    returns = Returns(convs)
    assert not returns.same_topic_within(fay, at(4, 12), dt.timedelta(days=7))
    assert returns.same_topic_within(gus, at(2, 15), dt.timedelta(days=7))


def test_volume_by_channel_busiest_first() -> None:
    convs = [conv(f"t{i}", f"t{i}", at(2, 9), channel="telegram") for i in range(3)]
    convs += [conv("w", "w", at(2, 9), channel="socketio"), conv("s", "s", at(3, 9), channel="slack")]
    convs.append(conv("w2", "w2", at(3, 9), channel="socketio"))
    result = volume.compute(convs, ZoneInfo("UTC"), at(2, 0).date(), at(4, 0).date())
    assert result["by_channel"] == [("telegram", 3), ("socketio", 2), ("slack", 1)]


def test_complaints_by_iso_week_and_time_to_resolve() -> None:
    def complaint(cid: str, handoff: dt.datetime, resolved: dt.datetime | None) -> Conversation:
        t = ticket(cid, handoff, queue="complaint", reason="customer_request", resolution_time=resolved)
        return conv(cid, cid, handoff, tickets=[t])

    convs = [
        complaint("a", at(2, 10), at(2, 14)),  # week 45, 4 working hours
        complaint("b", at(6, 16), at(9, 10)),  # Friday 16:00 -> Monday 10:00 = 2 working hours, week 45
        complaint("c", at(10, 9), None),  # week 46, still open
        conv("n", "n", at(3, 9), tickets=[ticket("n", at(3, 9), resolution_time=at(3, 10))]),  # not one
    ]
    result = people.complaints(convs, OFFICE)
    assert result["count"] == 3
    assert result["by_week"] == [("2026-W45", 2), ("2026-W46", 1)]
    assert result["resolution_hours_median"] == pytest.approx(3.0)


def test_per_agent_medians_in_working_time() -> None:
    def handled(cid: str, agent: str, answer_min: float, resolve_h: float | None, rating: int | None):
        start = at(2, 9)
        t = ticket(
            cid,
            start,
            agent=agent,
            first_agent_response_time=start + dt.timedelta(minutes=answer_min),
            resolution_time=start + dt.timedelta(hours=resolve_h) if resolve_h else None,
            status="resolved" if resolve_h else "assigned",
            rating=rating,
        )
        return conv(cid, cid, start, tickets=[t])

    convs = [
        handled("a1", "Ana", 4, 1, 5),
        handled("a2", "Ana", 10, 3, 3),
        handled("a3", "Ana", 30, None, None),  # still open: first answer counted, no resolution
        handled("b1", "Ben", 2, 10, 4),  # 09:00 -> 19:00 is 8 working hours (the office closes at 17)
    ]
    ana, ben = people.agents(convs, OFFICE)
    assert (ana["agent"], ana["tickets"], ana["resolved"]) == ("Ana", 3, 2)
    assert ana["first_response_minutes_median"] == pytest.approx(10.0)
    assert ana["resolution_hours_median"] == pytest.approx(2.0)
    assert (ana["rating_mean"], ana["ratings"]) == (4.0, 2)
    assert ben["resolution_hours_median"] == pytest.approx(8.0)
