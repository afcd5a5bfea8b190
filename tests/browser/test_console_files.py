"""A customer's file in the agent console (Chromium): shown in the transcript as a link with name, type and
size, as text; the link downloads the same bytes as an attachment, never rendered inline."""

from __future__ import annotations

import secrets

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from stack.services import Stack
from tests.browser.test_handoff_browser import contexts, create_agent, open_console  # noqa: F401 - fixture
from tests.handoff.test_attachments import tiny_png

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_the_agent_sees_the_customers_file_as_a_link_and_downloads_it(
    stack: Stack,
    contexts: tuple[BrowserContext, BrowserContext],  # noqa: F811
) -> None:
    agent_context, _ = contexts
    conversation = f"browser-file-{secrets.token_hex(3)}"
    headers = {"Authorization": f"Bearer {stack.handoff_token}"}
    png = tiny_png()
    name = "<img src=x onerror=window.__xss=1> error.png"
    stored = httpx.post(
        f"{stack.handoff_url}/api/conversations/{conversation}/attachments",
        params={"channel": "slack", "name": name},
        content=png,
        headers=headers,
        timeout=10,
    )
    assert stored.status_code == 201
    body = {
        "conversation_id": conversation,
        "channel": "slack",
        "customer": {"channel_user_id": conversation, "name": "Ana Lopez"},
        "summary": "Outlook shows an error",
        "reason": "customer_request",
        "transcript": [{"role": "customer", "text": "see the picture", "timestamp": "2025-03-03T10:00:00Z"}],
    }
    ticket_id = stack.open_handoff(body)

    username, _ = create_agent(stack)
    console = open_console(agent_context, stack, username)
    console.keyboard.press("/")
    console.keyboard.type(str(ticket_id))
    console.locator("#queue-list button.ticket").first.click()
    expect(console.locator("#ticket-title")).to_contain_text(f"Ticket #{ticket_id}")
    expect(console.locator("#customer")).to_contain_text("Ana Lopez")
    link = console.locator("#transcript a[download]")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("error.png")
    expect(console.locator("#transcript .msg-file")).to_contain_text("(image/png, ")
    assert console.locator("#transcript img").count() == 0  # the name stayed text, the picture is not shown
    assert console.evaluate("window.__xss") is None

    with console.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".png")
    with open(download.path(), "rb") as saved:
        assert saved.read() == png
