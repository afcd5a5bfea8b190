"""The supervisor view's live figures, read off the page as a supervisor reads them: today's and the last 7
days' handoffs, the open backlog, the share answered within the service level (the live queue's own rules),
complaints and the agents' mean rating. Runs on SQLite and (marker `cluster`) on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from handoff.state import STORE
from tests.handoff.conftest import open_ticket
from tests.handoff.test_console import add_user, log_in


def _figure(page: BeautifulSoup, name: str) -> list[str]:
    row = page.select_one(f'#live-figures tr[data-figure="{name}"]')
    return [cell.get_text(" ", strip=True) for cell in row.find_all("td")]


async def test_supervisor_reads_todays_and_the_weeks_figures(client: Any) -> None:
    store = client.app[STORE]
    now = dt.datetime.now(dt.UTC)
    answered = (await open_ticket(client, "fig-answered"))["ticket_id"]
    await store.update(
        answered,
        first_agent_response_time=(now + dt.timedelta(minutes=2)).isoformat(),
        status="resolved",
        resolution_time=(now + dt.timedelta(minutes=20)).isoformat(),
        satisfaction_rating=4,
    )
    # 6 hours without an answer (nobody online: an after-hours ticket, 4 working hours): breached
    late = (await open_ticket(client, "fig-late", priority="high"))["ticket_id"]
    await store.update(late, handoff_time=(now - dt.timedelta(hours=6)).isoformat())
    # a complaint 3 days ago, answered late, rated 2
    old = (await open_ticket(client, "fig-old"))["ticket_id"]
    three_days = now - dt.timedelta(days=3)
    await store.update(
        old,
        reason="complaint",
        queue="complaint",
        handoff_time=three_days.isoformat(),
        first_agent_response_time=(three_days + dt.timedelta(hours=1)).isoformat(),
        status="resolved",
        resolution_time=(three_days + dt.timedelta(hours=2)).isoformat(),
        satisfaction_rating=2,
    )
    # a month ago, still waiting: backlog, not this week
    ancient = (await open_ticket(client, "fig-ancient"))["ticket_id"]
    await store.update(ancient, handoff_time=(now - dt.timedelta(days=30)).isoformat())
    await open_ticket(client, "fig-new")  # just now, not due yet

    await add_user(client, "sue", role="supervisor")
    await log_in(client, "sue")
    page = BeautifulSoup(await (await client.get("/console/supervisor")).text(), "html.parser")
    headers = [th.get_text(strip=True) for th in page.select("#live-figures thead th")]
    assert headers == ["Measure", "Today", "Last 7 days"]
    today_late = now - dt.timedelta(hours=6) >= now.replace(hour=0, minute=0, second=0, microsecond=0)
    assert _figure(page, "handed-off") == [str(2 + today_late), "4"]
    assert _figure(page, "service-level")[1] == "33 % (1 of 3 due)"  # met, breached, missed; new not due
    assert _figure(page, "complaints") == ["0", "1"]
    assert _figure(page, "rating-agent") == ["4.0 of 5 (1 rating)", "3.0 of 5 (2 ratings)"]
    assert page.select_one("#backlog").get_text() == "3"  # late, ancient, new
