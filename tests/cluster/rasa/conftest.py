"""Two real Rasa instances on one model file, one action server, PostgreSQL and Redis of the tests' own.

The Rasa instances share the conversations (TRACKER_DB is the PostgreSQL URL), the locks and socket.io
(REDIS_URL), as in a deployment behind a load balancer; each test talks to both directly.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import pytest

from handoff.rasa import RasaClient
from stack import isolated_config
from stack.engines import PostgresServer, RedisServer
from stack.ports import free_port
from stack.process import ServiceProcess
from stack.services import StackConfig, build_services

GREETING_START = "Hi! I'm the IT support assistant."
# Two Rasa instances load at once on a shared 2-core machine (up to 190 s seen at load 10). The tests'
# own time limits leave this out (func_only), so the first test in the package is not cut short.
START_TIMEOUT = 300.0


TAG_KEY = "site"
"""Each test message carries its tag in metadata `site`: clients may only set customer_id, site and network
(bot/channels/client_metadata.py drops any other key before the tracker)."""


def tag_of(event: dict[str, Any]) -> str | None:
    return (event.get("metadata") or {}).get(TAG_KEY)


def turns(events: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(user message tag, the events after it up to the next user message), in stored order."""
    found: list[tuple[str, list[dict[str, Any]]]] = []
    for event in events:
        if event["event"] == "user":
            found.append((tag_of(event) or "?", []))
        elif found:
            found[-1][1].append(event)
    return found


@dataclass
class RasaCluster:
    config: StackConfig
    postgres: PostgresServer
    redis: RedisServer
    tracker_db: str
    rasa: list[ServiceProcess]
    actions: ServiceProcess

    @property
    def token(self) -> str:
        return self.config.secrets.rasa_auth_token

    def rasa_url(self, instance: int) -> str:
        return self.rasa[instance].health_url.split("/status", 1)[0]

    def stored_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's events as PostgreSQL holds them, in the order they were stored."""
        assert re.fullmatch(r"[A-Za-z0-9_-]+", conversation_id), conversation_id  # goes into SQL as it is
        query = f"SELECT data FROM events WHERE sender_id = '{conversation_id}' ORDER BY id"
        server = ["-h", "127.0.0.1", "-p", str(self.postgres.port), "-U", self.postgres.user, "-d", "rasa"]
        done = subprocess.run(
            ["psql", *server, "-tA", "-c", query],
            env={"PGPASSWORD": self.postgres.password, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    def say(self, instance: int, conversation: str, tag: str) -> list[str]:
        """The customer says hello over REST through one instance (``tag`` goes in the message metadata);
        returns the texts of the bot's answer."""
        answer = httpx.post(
            f"{self.rasa_url(instance)}/webhooks/rest/webhook",
            json={"sender": conversation, "message": "hello", "metadata": {TAG_KEY: tag}},
            timeout=60,
        )
        answer.raise_for_status()
        return [message.get("text", "") for message in answer.json()]

    async def agent_says(self, instance: int, conversation: str, text: str) -> None:
        """An agent's message, recorded and delivered through one instance by the handoff service's client."""
        async with aiohttp.ClientSession() as session:
            client = RasaClient(session, self.rasa_url(instance), self.token, timeout=30)
            await client.send_bot_message(conversation, text, {"handoff_role": "agent", "agent_name": "Sam"})

    def log_tails(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.log_tail(15)}" for s in [*self.rasa, self.actions])


@pytest.fixture(scope="package")
def rasa_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaCluster]:
    workdir = tmp_path_factory.mktemp("rasa-cluster")
    postgres = PostgresServer(port=free_port())
    redis = RedisServer(port=free_port(), log_file=workdir / "redis.log")
    started: list[Any] = []
    try:
        postgres.start()
        started.append(postgres)
        tracker_db = postgres.create_database("rasa")
        redis.start()
        started.append(redis)
        config_a = isolated_config(workdir / "a", extra_env={"REDIS_URL": redis.url})
        config_b = dataclasses.replace(config_a, rasa_port=free_port(), log_dir=workdir / "b" / "logs")
        _, actions, rasa_a = build_services(config_a)
        rasa_b = build_services(config_b)[2]
        for name, service in (("Rasa A", rasa_a), ("Rasa B", rasa_b)):
            service.name = name
            service.env["TRACKER_DB"] = tracker_db
        services = [actions, rasa_a, rasa_b]
        for service in services:
            service.start()
            started.append(service)
        for service in services:
            service.wait_healthy(START_TIMEOUT)
        yield RasaCluster(config_a, postgres, redis, tracker_db, [rasa_a, rasa_b], actions)
    finally:
        for thing in reversed(started):
            thing.stop()
        postgres.remove()
