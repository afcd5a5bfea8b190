"""A supervisor opens the latest support review from the supervisor view: charts render, and the page asks
no other host for anything (every request the browser makes is recorded)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "supervisor-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def handoff_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("report-browser")
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "HANDOFF_DB": str(work / "handoff.db"),
        "TRACKER_DB": str(work / "tracker.db"),
        "HANDOFF_PORT": str(port),
        "HANDOFF_API_TOKEN": "browser-report-token-0123456789",
        "HANDOFF_SESSION_SECRET": "s" * 32,
        "HANDOFF_REPORT_FILE": str(work / "report.html"),
        "HANDOFF_TRACKER_POLL_SECONDS": "3600",
        "SUPERVISOR_PASSWORD": PASSWORD,
    }

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr

    run("analytics", "demo-data", "--months", "1", "--seed", "3", "--conversations", "300")
    run("analytics", "report", "--since", "2000-01-01", "--out", str(work / "report.html"), "--quiet")
    run("handoff", "users", "create", "boss", "--role", "supervisor", "--password-env", "SUPERVISOR_PASSWORD")
    server = subprocess.Popen(
        [sys.executable, "-m", "handoff", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_supervisor_opens_report_offline(browser: Browser, handoff_url: str) -> None:
    context = browser.new_context()
    hosts: list[str] = []
    context.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page = context.new_page()
    page.goto(f"{handoff_url}/console/login")
    page.get_by_label("User name").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{handoff_url}/console/supervisor")
    with context.expect_page() as opened:
        page.locator("#latest-report").click()
    report = opened.value
    report.wait_for_load_state("load")
    expect(report.locator("h1")).to_contain_text("Support review")
    charts = report.locator("figure.chart svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50
    expect(report.locator("#action-plan-table tbody tr").first).to_be_visible()
    own = urlsplit(handoff_url).netloc
    assert hosts and set(hosts) == {own}, hosts
    context.close()
