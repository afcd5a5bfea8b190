"""Customer in the website widget and an agent in the console, each in their own browser context."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from stack.services import Stack
from tests.browser.console_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]
PASSWORD = "browser-test-password"
TIMEOUT = 30_000
# Records desktop notifications instead of showing them (headless Chromium has no notification area).
NOTIFICATION_STUB = """
window.__notifications = [];
window.Notification = function (title) { window.__notifications.push(title); };
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
"""


def create_agent(stack: Stack) -> tuple[str, str]:
    username = f"agent{secrets.token_hex(3)}"
    name = f"Alex {secrets.token_hex(2)}"
    stack.create_agent(username, PASSWORD, name=name)
    return username, name


def ticket(stack: Stack, ticket_id: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {stack.handoff_token}"}
    return httpx.get(f"{stack.handoff_url}/api/handoffs/{ticket_id}", headers=headers, timeout=10).json()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[tuple[BrowserContext, BrowserContext]]:
    agent, customer = browser.new_context(), browser.new_context()
    agent.set_default_timeout(TIMEOUT)
    customer.set_default_timeout(TIMEOUT)
    yield agent, customer
    agent.close()
    customer.close()


def open_console(context: BrowserContext, stack: Stack, username: str) -> Page:
    page = context.new_page()
    page.goto(f"{stack.handoff_url}/console")
    expect(page).to_have_url(re.compile(r"/console/login$"))  # refused until logged in
    log_in(page, username, PASSWORD)
    return page


def open_widget(context: BrowserContext, stack: Stack) -> Page:
    page = context.new_page()
    page.goto(f"{stack.handoff_url}/demo")
    page.get_by_role("button", name="Chat with IT support").click()
    return page


def say(page: Page, text: str) -> None:
    page.get_by_label("Type your message").fill(text)
    page.get_by_label("Type your message").press("Enter")


def test_customer_reaches_an_agent_chats_and_rates(
    stack: Stack, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    agent_context, customer_context = contexts
    agent_context.add_init_script(NOTIFICATION_STUB)
    username, agent_name = create_agent(stack)
    console = open_console(agent_context, stack, username)
    widget = open_widget(customer_context, stack)
    log = widget.get_by_role("log", name="Conversation")

    say(widget, "I want to talk to a person")
    expect(log).to_contain_text("number 1 in the queue")
    ticket_id = re.search(r"ticket number is (\d+)", log.inner_text()).group(1)
    expect(widget.locator(".itw-msg").last.locator(".itw-speaker")).to_have_text("IT support bot: ")

    # The online agent is alerted: a visible notice and a desktop notification.
    expect(console.get_by_role("alert")).to_contain_text(f"New handoff: ticket #{ticket_id}")
    assert f"New handoff: ticket #{ticket_id}" in " ".join(console.evaluate("window.__notifications"))

    # The agent opens the ticket from the notice (transcript shown), claims it and replies.
    console.get_by_role("alert").get_by_role("button", name="Open").click()
    expect(console.locator("#transcript")).to_contain_text("I want to talk to a person")
    # Asked for a person with no problem named: sideways (horizontal) to the general queue.
    expect(console.locator("#details")).to_contain_text("general · horizontal escalation")
    assert (ticket(stack, ticket_id)["queue"], ticket(stack, ticket_id)["escalation_type"]) == (
        "general",
        "horizontal",
    )
    console.get_by_role("button", name="Claim").click()
    expect(log).to_contain_text(f"{agent_name} from IT support has joined the chat")
    expect(widget.locator("#itw-status")).to_contain_text(f"chatting with {agent_name}, a person")
    console.get_by_label("Message to the customer").fill(
        "<script>window.__owned = 1</script>Hello, I can help."
    )
    expect(widget.locator(".itw-typing")).to_have_text(f"{agent_name} is typing…")
    console.get_by_role("button", name="Send", exact=True).click()
    reply = log.locator(".itw-agent").last
    expect(reply).to_contain_text("<script>window.__owned = 1</script>Hello, I can help.")
    expect(reply.locator(".itw-speaker")).to_have_text(f"{agent_name} (person, IT support): ")
    expect(widget.locator("#itw-status")).to_contain_text(agent_name)
    assert widget.evaluate("window.__owned") is None

    expect(widget.locator(".itw-typing")).to_have_text("")  # the message replaces the typing notice

    # The customer answers (with markup, shown as text in the console) and the agent resolves.
    widget.get_by_label("Type your message").fill("<img src=x onerror=window.__owned=1> it works now")
    expect(console.locator("#typing")).to_have_text("The customer is typing…")
    widget.get_by_label("Type your message").press("Enter")
    expect(console.locator("#transcript")).to_contain_text(
        "<img src=x onerror=window.__owned=1> it works now"
    )
    assert console.evaluate("window.__owned") is None
    console.get_by_label("Resolution notes").fill("Walked the customer through it.")
    console.get_by_role("button", name="Resolve").click()

    # The customer gets the satisfaction question, rates and comments.
    expect(log).to_contain_text("How happy are you")
    widget.get_by_role("button", name="4").click()
    expect(log).to_contain_text("anything you want to add")
    say(widget, "Fast and clear")
    expect(log).to_contain_text("saved your rating")
    stored = ticket(stack, ticket_id)
    assert (stored["status"], stored["satisfaction_rating"], stored["satisfaction_comment"]) == (
        "resolved",
        4,
        "Fast and clear",
    )

    # The session survives a reload: the history is still there and the conversation continues.
    widget.reload()
    if widget.locator("#itw-panel[hidden]").count():
        widget.get_by_role("button", name="Chat with IT support").click()
    expect(widget.get_by_role("log", name="Conversation")).to_contain_text("saved your rating")


def test_agent_hands_back_and_the_bot_answers_again(
    stack: Stack, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    agent_context, customer_context = contexts
    username, _ = create_agent(stack)
    console = open_console(agent_context, stack, username)
    widget = open_widget(customer_context, stack)
    log = widget.get_by_role("log", name="Conversation")
    say(widget, "I want to talk to a person")
    expect(log).to_contain_text("ticket number is")
    ticket_id = re.search(r"ticket number is (\d+)", log.inner_text()).group(1)
    console.locator(f"button[data-ticket='{ticket_id}']").click()
    console.get_by_role("button", name="Claim").click()
    expect(log).to_contain_text("has joined the chat")
    console.get_by_role("button", name="Hand back to bot").click()
    expect(log).to_contain_text("passed this chat back to me, the bot")
    expect(widget.locator("#itw-status")).to_have_text("You are chatting with a bot.")
    assert ticket(stack, ticket_id)["status"] == "handed_back"


def test_after_hours_offers_a_callback_with_consent(
    stack: Stack, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    _, customer_context = contexts  # no agent console is open: nobody is online
    widget = open_widget(customer_context, stack)
    log = widget.get_by_role("log", name="Conversation")
    say(widget, "I want to talk to a person")
    expect(log).to_contain_text("No one from our support team is online right now")
    ticket_id = re.search(r"as ticket (\d+)", log.inner_text()).group(1)
    widget.get_by_role("button", name="Yes, contact me").click()
    expect(log).to_contain_text("only use it to contact you")
    say(widget, "not an address")
    expect(log).to_contain_text("doesn't look like an email address")
    say(widget, "sam@example.com")
    expect(log).to_contain_text("will contact you at sam@example.com")
    stored = ticket(stack, ticket_id)
    assert stored["status"] == "offline"
    assert stored["callback"] == {**stored["callback"], "email": "sam@example.com", "consent": True}


def test_console_and_api_refuse_a_browser_that_is_not_logged_in(
    stack: Stack, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    _, stranger = contexts
    page = stranger.new_page()
    page.goto(f"{stack.handoff_url}/console/supervisor")
    expect(page).to_have_url(re.compile(r"/console/login$"))
    for method, path in [
        ("GET", "/console/api/queue"),
        ("GET", "/console/api/satisfaction"),
        ("GET", "/metrics"),
        ("GET", "/api/handoffs/1"),
        ("POST", "/api/handoffs"),
        ("POST", "/console/api/tickets/1/claim"),
    ]:
        body = {} if method == "POST" else None
        response = stranger.request.fetch(f"{stack.handoff_url}{path}", method=method, data=body)
        assert response.status == 401, (method, path, response.status)


def test_a_kb_answer_links_to_the_whole_article(
    stack: Stack, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    _, customer_context = contexts
    widget = open_widget(customer_context, stack)
    log = widget.get_by_role("log", name="Conversation")
    say(widget, "How do I clear my browser cache? see https://example.com/x")
    expect(log).to_contain_text('From our help article "Clear your browser cache and cookies"')
    link = log.get_by_role("link", name=f"{stack.handoff_url}/help/browser-cache")
    expect(link).to_have_attribute("href", f"{stack.handoff_url}/help/browser-cache")
    expect(log.get_by_role("link", name="https://example.com/x")).to_have_count(
        0
    )  # the customer's own address stays text
    with customer_context.expect_page() as opened:
        link.click()
    article = opened.value
    expect(article.get_by_role("heading", level=1)).to_have_text("Clear your browser cache and cookies")
    expect(article.get_by_role("link", name="All help articles")).to_be_visible()
