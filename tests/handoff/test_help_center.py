"""The public help pages that the bot's citations link to."""

from __future__ import annotations

from pathlib import Path

from tests.handoff.conftest import ClientFactory

REPO_KB = Path(__file__).resolve().parents[2] / "data" / "kb"

ARTICLE = """---
title: Connect to the office Wi-Fi
updated: 2025-02-01
---

# Connect to the office Wi-Fi

Pick **Office-Staff** from the list.

## Steps

1. Click the Wi-Fi icon.
2. Type your work password.
"""

HOSTILE = """---
title: Fix <b>bold</b> titles
---

# Hostile

<script>alert("x")</script> and <img src=x onerror=alert(1)> and [a link](javascript:alert(1)).
"""


def _kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "office-wifi.md").write_text(ARTICLE, encoding="utf-8")
    (kb / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    (kb / "broken.md").write_bytes(b"\xff\xfe not utf-8 \x80")
    return kb


async def test_the_index_lists_every_article_with_a_link(make_client: ClientFactory, tmp_path: Path) -> None:
    client = await make_client(kb_dir=_kb(tmp_path))
    page = await client.get("/help")
    text = await page.text()
    assert page.status == 200
    assert '<a href="/help/office-wifi">Connect to the office Wi-Fi</a>' in text
    assert "Fix &lt;b&gt;bold&lt;/b&gt; titles" in text


async def test_an_article_page_shows_the_whole_article(make_client: ClientFactory, tmp_path: Path) -> None:
    client = await make_client(kb_dir=_kb(tmp_path))
    page = await client.get("/help/office-wifi")
    text = await page.text()
    assert page.status == 200 and page.content_type == "text/html"
    assert "<h1>Connect to the office Wi-Fi</h1>" in text and "Last updated 2025-02-01" in text
    assert "<strong>Office-Staff</strong>" in text  # Markdown is rendered
    assert "<li>Click the Wi-Fi icon.</li>" in text and "<h2>Steps</h2>" in text


async def test_article_text_can_never_inject_markup(make_client: ClientFactory, tmp_path: Path) -> None:
    client = await make_client(kb_dir=_kb(tmp_path))
    text = await (await client.get("/help/hostile")).text()
    assert "<script>alert" not in text and "<img" not in text and "<b>bold" not in text
    assert "&lt;script&gt;" in text  # shown as text, not dropped silently
    assert 'href="javascript:' not in text


async def test_unknown_or_odd_article_names_get_a_clear_404(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(kb_dir=_kb(tmp_path))
    for name in ("no-such-article", "..%2F..%2Fetc%2Fpasswd", "broken", "%3Cscript%3E"):
        page = await client.get(f"/help/{name}")
        assert page.status == 404, name
        assert "There is no help article with that name." in await page.text()


async def test_a_missing_folder_gives_an_empty_help_center(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(kb_dir=tmp_path / "nowhere")
    page = await client.get("/help")
    assert page.status == 200 and "There are no help articles yet." in await page.text()


async def test_the_shipped_articles_are_served(make_client: ClientFactory) -> None:
    client = await make_client(kb_dir=REPO_KB)
    text = await (await client.get("/help/password-reset")).text()
    assert "<h1>Reset your password</h1>" in text and "Forgot password?" in text


async def test_the_privacy_notice_the_first_reply_links_to_is_a_real_page(
    make_client: ClientFactory, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("HANDOFF_RETENTION_DAYS", "45")
    client = await make_client(kb_dir=_kb(tmp_path))
    page = await client.get("/help/privacy")
    text = await page.text()
    assert page.status == 200
    assert "kept for 45 days" in text and "IT staff will never ask for your password" in text
    assert "delete my data" in text  # how to use the right to erasure
    assert 'href="/help/privacy"' in await (await client.get("/help")).text()
