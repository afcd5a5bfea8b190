"""The supervisor's live queue, read in the browser: each ticket is measured against its own service level
(live chat in minutes, a callback or service request in working time), with the time left before a breach,
and an after-hours callback is never shown as missed against the live target."""

from __future__ import annotations

import re
import secrets

import httpx
import pytest
from playwright.sync_api import Browser, expect

from stack.services import Stack
from tests.browser.test_handoff_browser import PASSWORD, open_console

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _ticket(stack: Stack, summary: str, **fields: object) -> int:
    conversation = f"supervisor-view-{secrets.token_hex(4)}"
    body = {
        "conversation_id": conversation,
        "channel": "rest",
        "customer": {"channel_user_id": conversation, "name": "Kim Park"},
        "summary": summary,
        "reason": "customer_request",
        "transcript": [{"role": "customer", "text": summary, "timestamp": "2025-03-03T10:00:00Z"}],
        **fields,
    }
    return stack.open_handoff(body)


def test_each_ticket_is_measured_against_its_own_service_level(stack: Stack, browser: Browser) -> None:
    username = f"sup{secrets.token_hex(3)}"
    stack.create_agent(username, PASSWORD, name="Sam Supervisor", role="supervisor")
    context = browser.new_context()
    opened: list[int] = []
    try:
        page = open_console(context, stack, username)  # someone is online: the chats are live
        live = _ticket(stack, "Laptop will not start, supervisor check")
        callback = _ticket(stack, "Please call me about my VPN, supervisor check")
        opened += [live, callback]
        consent = {
            "consent": True,
            "name": "Kim Park",
            "phone": "0161 496 0000",
            "preferred_time": "mornings",
        }
        headers = {"Authorization": f"Bearer {stack.handoff_token}"}
        httpx.put(
            f"{stack.handoff_url}/api/handoffs/{callback}/callback", json=consent, headers=headers, timeout=10
        ).raise_for_status()
        request = _ticket(
            stack,
            "Adobe Acrobat licence, supervisor check",
            ticket_type="request",
            request_type="software",
            queue="req-software",
            service_level_hours=16,
        )
        opened.append(request)

        page.goto(f"{stack.handoff_url}/console/supervisor")
        rows = page.locator("#live-queue tbody tr")
        live_row = rows.filter(has_text="Laptop will not start, supervisor check")
        expect(live_row).to_contain_text("Live chat")
        expect(live_row.locator(".standing")).to_have_text(re.compile(r"^\d+ min left$"))
        callback_row = rows.filter(has_text="Please call me about my VPN, supervisor check")
        expect(callback_row).to_contain_text("After hours (working time)")
        expect(callback_row.locator(".standing")).to_contain_text("working left")
        expect(callback_row).not_to_contain_text("Breached")
        request_row = rows.filter(has_text="Adobe Acrobat licence, supervisor check")
        expect(request_row).to_contain_text("Service request (working time)")
        expect(request_row.locator(".standing")).to_contain_text("16.0 h working left")
        assert {live, callback, request} <= {
            int(cell) for cell in rows.locator("td:first-child").all_inner_texts() if cell.isdigit()
        }
    finally:
        context.close()
        # The stack is shared: other tests count the customers waiting in the general queue.
        for ticket_id in opened:
            httpx.post(
                f"{stack.handoff_url}/api/handoffs/{ticket_id}/cancel",
                headers={"Authorization": f"Bearer {stack.handoff_token}"},
                timeout=10,
            )
