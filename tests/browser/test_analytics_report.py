"""A supervisor opens the latest support review from the supervisor view: charts render, and the page asks
no other host for anything (every request the browser makes is recorded)."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.console_login import submit_login

pytestmark = [pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "supervisor-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("report-browser")


@pytest.fixture(scope="module")
def handoff_url(work: Path) -> Iterator[str]:
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


def _log_in(page: Page, handoff_url: str) -> None:
    page.goto(f"{handoff_url}/console/login")
    submit_login(page, "boss", PASSWORD)


def _week_counts(work: Path) -> tuple[int, int]:
    """(tickets handed off in the last 7 days, tickets open now), straight from the handoff database."""
    week_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    with sqlite3.connect(work / "handoff.db") as conn:
        rows = conn.execute("SELECT handoff_time, status FROM tickets").fetchall()
    week = sum(dt.datetime.fromisoformat(when) >= week_ago for when, _ in rows)
    return week, sum(status in ("waiting", "assigned", "offline") for _, status in rows)


def test_supervisor_reads_the_weeks_figures(browser: Browser, handoff_url: str, work: Path) -> None:
    """The live figures agree with the handoff database, and stay right when the page updates itself."""
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, handoff_url)
    before = _week_counts(work)
    page.goto(f"{handoff_url}/console/supervisor")
    week = page.locator('#live-figures tr[data-figure="handed-off"] td').nth(1)
    shown = int(week.inner_text())
    assert shown > 0 and shown in {before[0], _week_counts(work)[0]}
    expect(page.locator("#backlog")).to_have_text(str(before[1]))
    level = page.locator('#live-figures tr[data-figure="service-level"] td').nth(1)
    expect(level).to_have_text(re.compile(r"^\d+ % \(\d+ of \d+ due\)$"))
    expect(page.locator('#live-figures tr[data-figure="rating-agent"] td').nth(1)).to_contain_text("of 5")
    expect(page.locator("#refreshed")).to_have_text(re.compile(r"^Updated"), timeout=20_000)
    expect(page.locator("#backlog")).to_have_text(str(before[1]))  # still there after the in-place update
    context.close()


def test_supervisor_opens_report_offline(browser: Browser, handoff_url: str) -> None:
    context = browser.new_context()
    hosts: list[str] = []
    context.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page = context.new_page()
    _log_in(page, handoff_url)
    page.goto(f"{handoff_url}/console/supervisor")
    with context.expect_page() as opened:
        page.locator("#latest-report").click()
    report = opened.value
    report.wait_for_load_state("load")
    expect(report.locator("h1")).to_contain_text("Support review")
    charts = report.locator("figure.chart svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5
    expect(report.locator("#weekly-trend svg")).to_be_visible()
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50
    expect(report.locator("#action-plan-table tbody tr").first).to_be_visible()
    own = urlsplit(handoff_url).netloc
    assert hosts and set(hosts) == {own}, hosts
    context.close()
