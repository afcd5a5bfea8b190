"""Two (or three) real `python -m handoff` processes on one PostgreSQL and one Redis of our own, all on
127.0.0.1 and free ports, started once for the module. Agents log in over real HTTP and hold real console
websockets."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from stack.engines import PostgresServer, RedisServer
from stack.ports import free_port
from stack.process import ServiceProcess
from tests.handoff.conftest import TOKEN

REPO = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery staple"
SESSION_SECRET = "cluster-test-session-secret-0123456789"
PRESENCE_TTL = 3.0
AGENTS = ("nina", "omar")


@dataclass
class Cluster:
    postgres: PostgresServer
    redis: RedisServer
    database_url: str
    workdir: Path
    processes: list[ServiceProcess] = field(default_factory=list)

    def env(self, port: int) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_")},
            "HANDOFF_HOST": "127.0.0.1",
            "HANDOFF_PORT": str(port),
            "HANDOFF_DATABASE_URL": self.database_url,
            "HANDOFF_REDIS_URL": self.redis.url,
            "HANDOFF_API_TOKEN": TOKEN,
            "HANDOFF_SESSION_SECRET": SESSION_SECRET,
            "HANDOFF_PRESENCE_TTL_SECONDS": str(PRESENCE_TTL),
            "HANDOFF_DATABASE_TIMEOUT_SECONDS": "2",
            "HANDOFF_DB": str(self.workdir / "unused.db"),
            "HANDOFF_TRACKER_DB": str(self.workdir / "no-tracker.db"),
            "RASA_URL": "http://127.0.0.1:9",
            "HANDOFF_RASA_TIMEOUT_SECONDS": "0.5",
            "HF_HUB_OFFLINE": "1",
        }

    def handoff(self, name: str) -> ServiceProcess:
        port = free_port()
        return ServiceProcess(
            name=name,
            command=[sys.executable, "-m", "handoff"],
            env=self.env(port),
            cwd=REPO,
            log_file=self.workdir / f"{name}.log",
            health_url=f"http://127.0.0.1:{port}/health",
        )


def url_of(process: ServiceProcess) -> str:
    return process.health_url.removesuffix("/health")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp("handoff-cluster")
    postgres = PostgresServer(port=free_port())
    redis = RedisServer(port=free_port(), log_file=workdir / "redis.log")
    postgres.start()
    redis.start()
    cluster = Cluster(postgres, redis, postgres.create_database("handoff_cluster"), workdir)
    try:
        # Both processes start at once on an empty database: the migrations run once, under the lock.
        cluster.processes = [cluster.handoff("handoff-a"), cluster.handoff("handoff-b")]
        for process in cluster.processes:
            process.start()
        for process in cluster.processes:
            process.wait_healthy(90)
        for username in AGENTS:
            create_agent(cluster, username)
        yield cluster
    finally:
        for process in cluster.processes:
            process.stop()
        redis.stop()
        postgres.remove()


def create_agent(cluster: Cluster, username: str) -> None:
    """Through the real account command, on the same PostgreSQL database."""
    done = subprocess.run(
        [sys.executable, "-m", "handoff", "users", "create", username, "--password-env", "AGENT_PW"],
        cwd=REPO,
        env={**cluster.env(0), "AGENT_PW": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


async def logged_in(base_url: str, username: str) -> aiohttp.ClientSession:
    """An agent's browser: a cookie jar with the console session (valid on every process)."""
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    page = await (await session.get(f"{base_url}/console/login")).text()
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    form = {"csrf": match.group(1), "username": username, "password": PASSWORD}
    response = await session.post(f"{base_url}/console/login", data=form, allow_redirects=False)
    assert response.status == 302, await response.text()
    return session


async def next_event(ws: aiohttp.ClientWebSocketResponse, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    """The next console event of this type (others are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = await ws.receive()
            assert message.type == aiohttp.WSMsgType.TEXT, f"socket ended: {message.type}"
            event = message.json()
            if event.get("type") == kind:
                return event


async def connected_agents(session: aiohttp.ClientSession, base_url: str) -> set[str]:
    response = await session.get(f"{base_url}/console/api/queue")
    assert response.status == 200, await response.text()
    return {a["username"] for a in (await response.json())["agents"] if a["connected"]}


async def wait_until(check: Any, timeout: float, every: float = 0.2) -> float:
    """Seconds until `await check()` is true; fails after `timeout`."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not await check():
        assert loop.time() - start < timeout, f"not true after {timeout} s"
        await asyncio.sleep(every)
    return loop.time() - start
