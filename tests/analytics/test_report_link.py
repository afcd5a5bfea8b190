"""The supervisor view's link to the latest report: supervisors only, a clear message before the first report,
and the file served as written with a policy that lets the page fetch nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handoff import create_app
from tests.handoff.conftest import make_settings
from tests.handoff.test_console import add_user, log_in


async def test_report_link_serves_the_configured_file(aiohttp_client: Any, tmp_path: Path) -> None:
    report = tmp_path / "review.html"
    client = await aiohttp_client(create_app(make_settings(tmp_path, report_file=report)))
    assert (await client.get("/console/supervisor/report", allow_redirects=False)).status in {302, 303, 401}
    await add_user(client, "alice")
    await log_in(client, "alice")
    assert (await client.get("/console/supervisor/report")).status == 403
    await add_user(client, "sue", role="supervisor")
    await log_in(client, "sue")
    page = await (await client.get("/console/supervisor")).text()
    assert 'href="/console/supervisor/report"' in page
    missing = await client.get("/console/supervisor/report")
    assert missing.status == 404 and "python -m analytics report" in await missing.text()
    report.write_text("<h1>Support review</h1>", encoding="utf-8")
    served = await client.get("/console/supervisor/report")
    assert served.status == 200 and await served.text() == "<h1>Support review</h1>"
    assert served.headers["Content-Security-Policy"].startswith("default-src 'none'")
