"""The report as a PDF, printed by the Chromium the browser tests already use (Playwright, pinned in
requirements/app.txt; Debian's /usr/bin/chromium, never a downloaded browser). The HTML's print stylesheet
lays it out on A4; with no Chromium the HTML still prints to PDF from any browser."""

from __future__ import annotations

import os
from pathlib import Path

from analytics.settings import AnalyticsError

CHROMIUM = Path(os.environ.get("ANALYTICS_CHROMIUM", "/usr/bin/chromium"))
_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]


def write_pdf(html: Path, out: Path, chromium: Path = CHROMIUM) -> None:
    if not chromium.is_file():
        raise AnalyticsError(
            f"no Chromium at {chromium} for --pdf (set ANALYTICS_CHROMIUM); open {html} and print it to PDF"
        )
    from playwright.sync_api import Error, sync_playwright

    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=_ARGS, headless=True)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())  # the report needs nothing from anywhere
                page.set_content(html.read_text(encoding="utf-8"), wait_until="load")
                page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except Error as exc:
        raise AnalyticsError(f"Chromium could not print the PDF: {exc.message.splitlines()[0]}") from None
