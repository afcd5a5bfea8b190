"""axe-core (vendored, offline) finds no serious or critical accessibility violation on the agent console
with a ticket open, the supervisor view, and the customer's chat widget."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from stack.services import Stack
from tests.browser.test_console_agent import other_ticket
from tests.browser.test_handoff_browser import PASSWORD, open_console, open_widget

pytestmark = [pytest.mark.browser, pytest.mark.integration]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("size", [{"width": 1366, "height": 768}, {"width": 2560, "height": 1440}])
def test_console_and_supervisor_view_have_no_serious_violations(
    stack: Stack, browser: Browser, size: dict[str, int]
) -> None:
    username = f"sup{secrets.token_hex(3)}"
    stack.create_agent(username, PASSWORD, name="Sam Supervisor", role="supervisor")
    context = browser.new_context(viewport=size, bypass_csp=True)
    try:
        console = open_console(context, stack, username)
        ticket_id = other_ticket(stack)
        console.locator(f"button[data-ticket='{ticket_id}']").click()
        expect(console.locator("#customer")).to_contain_text("Robin Lee")
        assert serious_violations(console) == []
        console.goto(f"{stack.handoff_url}/console/supervisor")
        expect(console.locator("#live-queue")).to_contain_text("Printer on floor 2")
        assert serious_violations(console) == []
    finally:
        context.close()


def test_the_chat_widget_has_no_serious_violations(stack: Stack, browser: Browser) -> None:
    context = browser.new_context(bypass_csp=True)
    try:
        widget = open_widget(context, stack)
        widget.get_by_label("Type your message").fill("hello")
        widget.get_by_label("Type your message").press("Enter")
        expect(widget.get_by_role("log", name="Conversation")).to_contain_text("hello")
        assert serious_violations(widget) == []
    finally:
        context.close()
