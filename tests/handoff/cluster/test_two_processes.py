"""Two handoff processes on one PostgreSQL and one Redis: what an agent and the bot notice."""

from __future__ import annotations

import asyncio
import os
import re
import signal

import aiohttp
import asyncpg
import pytest

from handoff.schema import migrations
from tests.handoff.cluster.conftest import (
    PRESENCE_TTL,
    Cluster,
    connected_agents,
    logged_in,
    next_event,
    url_of,
    wait_until,
)
from tests.handoff.conftest import AUTH, handoff_body

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240)]


async def test_processes_started_together_migrated_the_database_once(cluster: Cluster) -> None:
    conn = await asyncpg.connect(cluster.database_url)
    try:
        versions = [r[0] for r in await conn.fetch("SELECT version FROM schema_version ORDER BY version")]
    finally:
        await conn.close()
    assert versions == [v for v, _, _ in migrations()]


async def test_a_ticket_opened_on_one_process_shows_on_a_console_of_the_other(cluster: Cluster) -> None:
    a, b = (url_of(p) for p in cluster.processes)
    agent = await logged_in(b, "nina")
    try:
        ws = await agent.ws_connect(f"{b}/console/ws")
        # Process A knows Nina's console on B is open (presence in Redis), so the desk counts as staffed.
        await wait_until(lambda: _has(agent, a, "nina"), timeout=10)
        async with aiohttp.ClientSession(headers=AUTH) as bot:
            response = await bot.post(f"{a}/api/handoffs", json=handoff_body("cross-process-1"))
            body = await response.json()
        assert response.status == 201, body
        assert (body["status"], body["queue_position"], body["agents_online"]) == ("waiting", 1, 1)
        event = await next_event(ws, "ticket_created")
        assert event["ticket"]["ticket_id"] == body["ticket_id"]
        # The queue B shows comes from the database: the ticket and its place are there too.
        queue = await (await agent.get(f"{b}/console/api/queue")).json()
        row = next(t for t in queue["tickets"] if t["ticket_id"] == body["ticket_id"])
        assert (row["status"], row["queue_position"]) == ("waiting", 1)
        await ws.close()
    finally:
        await agent.close()


async def _has(session: aiohttp.ClientSession, base_url: str, username: str) -> bool:
    return username in await connected_agents(session, base_url)


async def test_the_same_handoff_sent_to_both_processes_at_once_opens_one_ticket(cluster: Cluster) -> None:
    urls = [url_of(p) for p in cluster.processes]
    async with aiohttp.ClientSession(headers=AUTH) as bot:

        async def send(n: int) -> tuple[int, dict]:
            response = await bot.post(f"{urls[n % 2]}/api/handoffs", json=handoff_body("race-1"))
            return response.status, await response.json()

        answers = await asyncio.gather(*(send(n) for n in range(16)))
        listed = await (await bot.get(f"{urls[1]}/api/conversations/race-1/handoffs")).json()
    assert sorted(status for status, _ in answers) == [200] * 15 + [201]
    assert len({body["ticket_id"] for _, body in answers}) == 1
    assert [t["status"] for t in listed["handoffs"]] in (["waiting"], ["offline"])


async def _csrf(session: aiohttp.ClientSession, base_url: str) -> str:
    page = await (await session.get(f"{base_url}/console")).text()
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, page
    return match.group(1)


async def test_two_agents_claiming_one_ticket_on_two_processes_one_gets_it(cluster: Cluster) -> None:
    a, b = (url_of(p) for p in cluster.processes)
    async with aiohttp.ClientSession(headers=AUTH) as bot:
        created = await (await bot.post(f"{a}/api/handoffs", json=handoff_body("claim-race"))).json()
    nina, omar = await logged_in(a, "nina"), await logged_in(b, "omar")
    try:
        tokens = [await _csrf(nina, a), await _csrf(omar, b)]
        path = f"/console/api/tickets/{created['ticket_id']}/claim"
        answers = await asyncio.gather(
            nina.post(f"{a}{path}", headers={"X-CSRF-Token": tokens[0]}),
            omar.post(f"{b}{path}", headers={"X-CSRF-Token": tokens[1]}),
        )
        assert sorted(r.status for r in answers) == [200, 409]
        winner = next(r for r in answers if r.status == 200)
        owner = (await winner.json())["assigned_agent"]
        ticket = await (await nina.get(f"{b}/console/api/tickets/{created['ticket_id']}")).json()
        assert (ticket["status"], ticket["assigned_agent"]) == ("assigned", owner)
    finally:
        await nina.close()
        await omar.close()


async def test_an_agent_whose_process_died_goes_offline_by_itself(cluster: Cluster) -> None:
    a = url_of(cluster.processes[0])
    third = cluster.handoff("handoff-c")
    third.start()
    try:
        third.wait_healthy(90)
        omar = await logged_in(url_of(third), "omar")
        watcher = await logged_in(a, "nina")
        try:
            ws = await omar.ws_connect(f"{url_of(third)}/console/ws")
            await wait_until(lambda: _has(watcher, a, "omar"), timeout=10)
            assert third.process is not None
            os.killpg(third.process.pid, signal.SIGKILL)  # no goodbye: the process is gone
            third.process.wait(timeout=10)
            gone_after = await wait_until(lambda: _not(_has(watcher, a, "omar")), timeout=PRESENCE_TTL + 5)
            assert gone_after <= PRESENCE_TTL + 5
            await ws.close()
        finally:
            await omar.close()
            await watcher.close()
    finally:
        third.stop()


async def _not(check: object) -> bool:
    return not await check  # type: ignore[misc]


async def test_database_down_gives_a_clear_503_then_everything_works_again(cluster: Cluster) -> None:
    a, b = (url_of(p) for p in cluster.processes)
    agent = await logged_in(a, "nina")
    try:
        cluster.postgres.kill()
        async with aiohttp.ClientSession(headers=AUTH) as bot:
            response = await bot.post(f"{a}/api/handoffs", json=handoff_body("while-db-down"))
            body = await response.json()
            assert response.status == 503
            assert "database" in body["error"] and "try again" in body["error"]
            assert response.headers["Retry-After"].isdigit()
            console = await agent.get(f"{a}/console/api/queue")
            assert console.status == 503 and "database" in (await console.json())["error"]

            cluster.postgres.start()  # same data; neither handoff process is restarted

            async def works(url: str) -> bool:
                answer = await bot.post(f"{url}/api/handoffs", json=handoff_body("after-db-back"))
                return answer.status in (200, 201)

            await wait_until(lambda: works(a), timeout=30, every=0.5)
            await wait_until(lambda: works(b), timeout=30, every=0.5)
            listed = await (await bot.get(f"{b}/api/conversations/after-db-back/handoffs")).json()
        assert len(listed["handoffs"]) == 1
        assert (await agent.get(f"{a}/console/api/queue")).status == 200
    finally:
        await agent.close()


async def test_redis_down_is_told_to_consoles_and_they_resync_when_it_is_back(cluster: Cluster) -> None:
    a, b = (url_of(p) for p in cluster.processes)
    agent = await logged_in(b, "nina")
    try:
        ws = await agent.ws_connect(f"{b}/console/ws")
        await wait_until(lambda: _has(agent, a, "nina"), timeout=10)
        cluster.redis.kill()
        interrupted = await next_event(ws, "live_interrupted")
        assert "interrupted" in interrupted["message"]
        async with aiohttp.ClientSession(headers=AUTH) as bot:
            response = await bot.post(f"{a}/api/handoffs", json=handoff_body("while-redis-down"))
            assert response.status == 503
            assert "Live agent status" in (await response.json())["error"]

            cluster.redis.start()  # empty: the processes write their consoles back by themselves
            await next_event(ws, "resync", timeout=15)
            await wait_until(lambda: _has(agent, a, "nina"), timeout=PRESENCE_TTL + 5)
            response = await bot.post(f"{a}/api/handoffs", json=handoff_body("after-redis-back"))
            body = await response.json()
        assert response.status == 201 and body["status"] == "waiting"
        event = await next_event(ws, "ticket_created")
        assert event["ticket"]["ticket_id"] == body["ticket_id"]
        await ws.close()
    finally:
        await agent.close()
