"""What an agent sees in the console (Debian Chromium) when the ticket database dies and comes back, with
the service on PostgreSQL and Redis. Sync Playwright only, in its own module: it keeps an event loop in the
main thread while the browser is open."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.conftest import ARGS, CHROMIUM
from tests.handoff.cluster.conftest import PASSWORD, Cluster, url_of
from tests.handoff.conftest import AUTH, handoff_body

pytestmark = [pytest.mark.cluster, pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


def _console(browser: Browser, base_url: str) -> Page:
    page = browser.new_page()
    page.goto(f"{base_url}/console/login")
    page.fill("#username", "nina")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base_url}/console")
    return page


def test_the_console_says_the_database_is_down_and_works_again_when_it_is_back(
    cluster: Cluster, browser: Browser
) -> None:
    a, b = (url_of(p) for p in cluster.processes)
    page = _console(browser, b)
    expect(page.locator("body")).to_have_attribute("data-live", "1", timeout=15_000)
    created = httpx.post(f"{a}/api/handoffs", json=handoff_body("browser-outage"), headers=AUTH, timeout=10)
    assert created.status_code == 201, created.text
    ticket_id = created.json()["ticket_id"]
    button = page.locator(f'button.ticket[data-ticket="{ticket_id}"]')
    expect(button).to_be_visible(timeout=15_000)  # opened on A, shown live on a console of B

    cluster.postgres.kill()
    button.click()
    expect(page.locator("#live")).to_contain_text("ticket database is not answering", timeout=15_000)
    expect(page.locator("#ticket-title")).not_to_contain_text(f"#{ticket_id}")

    cluster.postgres.start()
    page.wait_for_timeout(500)
    button.click()
    expect(page.locator("#ticket-title")).to_contain_text(f"Ticket #{ticket_id}", timeout=15_000)
    page.close()
