"""An agent's shift in the console, driven by keyboard: a customer's real script conversation arrives, the
agent reads who the customer is and what was tried, claims, keeps a draft while looking at another ticket,
finds a canned reply by typing, sends, filters the queue and resolves. Also writes docs/img/console.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from stack.services import Stack
from tests.browser.test_handoff_browser import (
    NOTIFICATION_STUB,
    contexts,  # noqa: F401 - fixture
    create_agent,
    open_console,
    open_widget,
    say,
    ticket,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "console.png"


def other_ticket(stack: Stack) -> int:
    """A second waiting ticket from another customer, opened the way the bot opens one."""
    body = {
        "conversation_id": "browser-other-customer",
        "channel": "telegram",
        "customer": {"channel_user_id": "tg-42", "name": "Robin Lee", "email": "robin@example.com"},
        "summary": "Printer on floor 2 prints blank pages",
        "category": "printer",
        "reason": "customer_request",
        "queue": "hardware",
        "transcript": [
            {
                "role": "customer",
                "text": "the printer prints blank pages",
                "timestamp": "2025-03-03T10:00:00Z",
            }
        ],
    }
    return stack.open_handoff(body)


def test_an_agent_works_a_handoff_from_the_keyboard(
    stack: Stack,
    contexts: tuple[BrowserContext, BrowserContext],  # noqa: F811
) -> None:
    agent_context, customer_context = contexts
    agent_context.add_init_script(NOTIFICATION_STUB)
    username, _ = create_agent(stack)
    console = open_console(agent_context, stack, username)
    console.set_viewport_size({"width": 1366, "height": 768})
    widget = open_widget(customer_context, stack)
    log = widget.get_by_role("log", name="Conversation")

    for text, reply in [
        ("my wifi is not working", "how should I explain"),
        ("Short steps", "?"),
        ("yes", "?"),
        ("I want to talk to a person", "ticket number is"),
    ]:
        say(widget, text)
        expect(log).to_contain_text(reply)
    ticket_id = int(re.search(r"ticket number is (\d+)", log.inner_text()).group(1))
    expect(console.get_by_role("alert")).to_contain_text(f"New handoff: ticket #{ticket_id}")
    assert console.evaluate("window.__chimes || 0") >= 1  # the sound came with the alert
    other = other_ticket(stack)

    # Keyboard: "/" search, filter to this ticket, "j" opens it.
    console.keyboard.press("/")
    console.keyboard.type(str(ticket_id))
    expect(console.locator("#queue-list button.ticket")).to_have_count(1)
    console.keyboard.press("Escape")
    console.keyboard.press("j")
    expect(console.locator("#ticket-title")).to_contain_text(f"Ticket #{ticket_id}")

    # The record reads true: each message once, steps named with question and answer, one-line summary.
    transcript = console.locator("#transcript")
    expect(transcript).to_contain_text("my wifi is not working")
    assert transcript.inner_text().count("OK. I'll pass you to a person") == 1
    record = console.locator("#actions-taken")
    expect(record).to_contain_text("No internet or Wi-Fi")
    expect(record).to_contain_text("Asked:")
    expect(record).to_contain_text("Customer: \u201cyes\u201d")
    expect(record).not_to_contain_text("?  →")
    expect(console.locator("#details")).to_contain_text("asked for a person")
    expect(console.locator("#customer")).to_contain_text("Channel")

    # Claim with "c", start a reply with "r", look at the other ticket, come back: the draft is kept.
    console.keyboard.press("c")
    expect(console.locator("#reply-form")).to_be_visible()
    console.keyboard.press("r")
    console.keyboard.type("Half-written answer")
    console.keyboard.press("Escape")
    console.locator("#filter-text").fill("")
    console.locator(f"button[data-ticket='{other}']").click()
    expect(console.locator("#customer")).to_contain_text("Robin Lee")
    expect(console.locator("#customer")).to_contain_text("tg-42")
    console.locator(f"button[data-ticket='{ticket_id}']").click()
    expect(console.locator("#reply")).to_have_value("Half-written answer")

    # Canned responses by keyboard: ";" then words then Enter; Ctrl+Enter sends.
    console.locator("#reply").fill("")
    console.locator("#reply").press("Escape")
    console.keyboard.press(";")
    console.keyboard.type("restart")
    console.keyboard.press("Enter")
    expect(console.locator("#reply")).to_have_value(re.compile("^Please restart your computer"))
    console.locator("#reply").press("Control+Enter")
    expect(log).to_contain_text("Please restart your computer")

    # Knowledge at hand: the script the customer was in is offered as a guide; one click sends its link,
    # and the customer's page shows the steps with why each one matters.
    guides = console.locator("#script-suggestions")
    expect(guides).to_contain_text("No internet or Wi-Fi")
    expect(guides).to_contain_text("The customer was in this script")
    guides.get_by_role("button", name=re.compile("Send the step-by-step guide")).first.click()
    expect(log).to_contain_text("/help/scripts/wifi")
    guide = customer_context.new_page()
    guide.goto(re.search(r"(http://\S+/help/scripts/wifi)", log.inner_text()).group(1))
    expect(guide.get_by_role("heading", level=2).first).to_contain_text("Step 1")
    expect(guide.locator("body")).to_contain_text("Why:")
    guide.close()

    # Filters: high priority hides both normal tickets (other tests' urgent tickets may still show).
    console.locator("#filter-priority").select_option("high")
    expect(console.locator(f"button[data-ticket='{ticket_id}']")).to_have_count(0)
    expect(console.locator(f"button[data-ticket='{other}']")).to_have_count(0)
    console.locator("#filter-text").fill("no-such-words-anywhere")
    expect(console.locator("#queue-list")).to_contain_text("No ticket matches these filters.")
    console.locator("#filter-text").fill("")
    console.locator("#filter-priority").select_option("")
    expect(console.locator(f"button[data-ticket='{other}']")).to_be_visible()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    console.evaluate("window.scrollTo(0, 0)")
    console.screenshot(path=str(SCREENSHOT))

    # "e" resolves.
    console.locator("#notes").fill("Restarted; Wi-Fi is back.")
    console.locator("#notes").press("Escape")
    console.keyboard.press("e")
    expect(console.locator("#ticket-title")).to_contain_text("resolved")
    assert ticket(stack, str(ticket_id))["status"] == "resolved"
