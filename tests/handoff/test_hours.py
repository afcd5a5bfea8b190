"""Business hours across time zones, weekends and holidays."""

from __future__ import annotations

import datetime as dt

from handoff.hours import describe, is_open, next_open
from handoff.settings import BusinessHours

HOURS = BusinessHours(timezone="America/New_York", holidays=(dt.date(2025, 7, 4),), always_open=False)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_open_is_judged_in_the_desk_time_zone() -> None:
    assert is_open(HOURS, utc(2025, 3, 4, 14, 0))  # Tue 09:00 in New York
    assert not is_open(HOURS, utc(2025, 3, 4, 13, 59))  # 08:59 there
    assert not is_open(HOURS, utc(2025, 3, 8, 15, 0))  # Saturday


def test_holidays_are_closed_and_next_open_skips_them() -> None:
    assert not is_open(HOURS, utc(2025, 7, 4, 15, 0))
    nxt = next_open(HOURS, utc(2025, 7, 3, 22, 0))  # Thu evening before a Friday holiday
    assert nxt is not None and nxt.date() == dt.date(2025, 7, 7) and nxt.hour == 9


def test_description_is_short_and_plain() -> None:
    assert describe(HOURS) == "Mon-Fri, 09:00-17:00 (America/New_York)"
    assert describe(BusinessHours(always_open=True)) == "every day, all day"
