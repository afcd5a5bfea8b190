"""Logging in to the agent console in Chromium as an agent does: the log-in form, then the live console."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def submit_login(page: Page, username: str, password: str) -> None:
    """Fill in and send the log-in form the page shows."""
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, username: str, password: str) -> None:
    """Send the log-in form the page shows and wait until the console is live (its queue updates)."""
    submit_login(page, username, password)
    expect(page.locator("body[data-live='1']")).to_have_count(1)
