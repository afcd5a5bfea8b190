"""The supervisor view's link to the latest report: supervisors only, the command that writes it before the
first report (no dead link), and the file served as written with a policy that lets the page fetch nothing."""

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
    assert 'href="/console/supervisor/report"' not in page  # no link to a page that is not there yet
    assert "No support review yet. Write one with <code>.venv/bin/python -m analytics report" in page
    assert f"--out {report}</code>" in page
    missing = await client.get("/console/supervisor/report")
    assert missing.status == 404 and "python -m analytics report" in await missing.text()
    report.write_text("<h1>Support review</h1>", encoding="utf-8")
    page = await (await client.get("/console/supervisor")).text()
    assert 'href="/console/supervisor/report"' in page and "No support review yet" not in page
    served = await client.get("/console/supervisor/report")
    assert served.status == 200 and await served.text() == "<h1>Support review</h1>"
    assert served.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_report_is_looked_for_in_the_projects_var_folder_by_default(tmp_path: Path) -> None:
    """`make run` sets no HANDOFF_REPORT_FILE: the service looks where the documented command writes it."""
    root = Path(__file__).resolve().parents[2]
    settings = make_settings(tmp_path)
    assert settings.report_file == root / "var" / "report.html"
