"""Schemathesis against docs/handoff-openapi.yaml on the real handoff app (real SQLite, no Rasa): generated
requests, valid and not, with the bot's token and a supervisor's console session. No 5xx, every answer
matches the documented schema and status codes. Bounded examples per operation, so it stays fast."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from handoff import create_app
from handoff.state import STORE
from handoff.users import hash_password
from tests.handoff.conftest import AUTH, handoff_body, make_settings

SPEC = Path(__file__).resolve().parents[2] / "docs" / "handoff-openapi.yaml"
EXAMPLES_PER_OPERATION = 25


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    url: str
    app: web.Application
    loop: asyncio.AbstractEventLoop

    def run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    port, ready = _free_port(), threading.Event()
    loop = asyncio.new_event_loop()
    workdir = tmp_path_factory.mktemp("schemathesis")
    # No KB index: the suggestions route answers its documented 503 at once instead of loading MiniLM.
    patch = pytest.MonkeyPatch()
    patch.setenv("KB_INDEX_DIR", str(workdir / "no-kb-index"))
    runner = web.AppRunner(create_app(make_settings(workdir)))

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30), "handoff app did not start"
    yield Served(f"http://127.0.0.1:{port}", runner.app, loop)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    patch.undo()


@pytest.fixture(scope="module")
def base_url(served: Served) -> str:
    return served.url


@pytest.fixture(scope="module")
def signed_in(served: Served) -> dict[str, str]:
    """A supervisor's session cookie and CSRF token (a supervisor reaches every console route), and a ticket
    of each state for the ticket routes to find. The bot's token goes along, as the bot's calls need it."""
    served.run(
        served.app[STORE].create_user("sam", "Sam", hash_password("pw-for-schemathesis"), "supervisor")
    )
    with httpx.Client(base_url=served.url, follow_redirects=False) as browser:
        csrf = re.search(r'name="csrf" value="([^"]+)"', browser.get("/console/login").text).group(1)
        form = {"username": "sam", "password": "pw-for-schemathesis", "csrf": csrf}
        assert browser.post("/console/login", data=form).status_code == 302
        page = browser.get("/console").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        cookie = browser.cookies["handoff_session"]
        for number in range(3):
            browser.post("/api/handoffs", json=handoff_body(f"conv-{number}"), headers=AUTH)
    return {**AUTH, "Cookie": f"handoff_session={cookie}", "X-CSRF-Token": token}


schema = schemathesis.openapi.from_path(str(SPEC))
ANSWERED: dict[str, set[int]] = {}  # operation -> the status codes it answered, for the check below
# The coverage phase fills `format: date-time` strings with "" and calls that valid; the examples and
# fuzzing phases (hypothesis-jsonschema) respect formats.
schema.config.phases.coverage.enabled = False


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_fails_and_answers_as_documented(
    case: schemathesis.Case, base_url: str, signed_in: dict[str, str]
) -> None:
    response = case.call(base_url=base_url, headers=signed_in)
    ANSWERED.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)
    # No 5xx, every answer matches its documented schema, and every status code is documented (with a
    # logged-in supervisor, so the console routes are exercised beyond their 401). A documented 503 (the
    # suggestions route without a knowledge-base index) is an answer, not a failure.
    checks = [response_schema_conformance, status_code_conformance]
    if not (response.status_code == 503 and "503" in case.operation.definition.raw["responses"]):
        checks.append(not_a_server_error)
    case.validate_response(response, checks=checks)


def test_the_console_routes_were_exercised_signed_in() -> None:
    """Runs after the generated cases: every console JSON route answered something besides 401."""
    console = {op: codes for op, codes in ANSWERED.items() if op.split(" ", 1)[1].startswith("/console/api/")}
    assert len(ANSWERED) >= 45 and len(console) >= 14, sorted(ANSWERED)
    assert all(codes - {401} for codes in console.values()), console
    print(json.dumps({op: sorted(codes) for op, codes in ANSWERED.items()}))
