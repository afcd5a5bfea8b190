"""Script handouts on the help pages and in the console's suggestions: written from the real scripts by the
action server's own exporter, read by the handoff service as data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from actions.diagnostics.catalog import kb_dir, load_scripts, scripts_dir
from actions.diagnostics.engine import Engine
from actions.diagnostics.export import write_handouts
from tests.handoff.conftest import AUTH, ClientFactory, handoff_body
from tests.handoff.test_console import add_user, log_in


@pytest.fixture(scope="module")
def handouts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from actions.diagnostics.catalog import kb_titles

    folder = tmp_path_factory.mktemp("handouts")
    write_handouts(Engine(load_scripts(scripts_dir()), kb_titles(kb_dir())), folder)
    return folder


@pytest.fixture
async def guide_client(make_client: ClientFactory, handouts_dir: Path) -> TestClient:
    return await make_client(handouts_dir=handouts_dir)


async def test_a_handout_page_shows_each_step_with_its_why(guide_client: TestClient) -> None:
    page = await guide_client.get("/help/scripts/login")
    html = await page.text()
    assert page.status == 200
    assert "Step 1" in html and "Why:" in html and "Caps Lock" in html
    index = await (await guide_client.get("/help")).text()
    assert "Step-by-step guides" in index and 'href="/help/scripts/login"' in index
    missing = await guide_client.get("/help/scripts/no-such-script")
    assert missing.status == 404 and "no step-by-step guide" in await missing.text()


async def test_handout_text_is_escaped_and_a_broken_file_is_skipped(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "handouts"
    folder.mkdir()
    crafted = {
        "id": "crafted",
        "title": "<script>alert(1)</script>",
        "steps": [{"number": 1, "heading": "Check", "text": "<img src=x onerror=alert(2)>"}],
    }
    (folder / "crafted.json").write_text(json.dumps(crafted), encoding="utf-8")
    (folder / "broken.json").write_bytes(b"\xff{not json")
    client = await make_client(handouts_dir=folder)
    html = await (await client.get("/help/scripts/crafted")).text()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert (await client.get("/help/scripts/broken")).status == 404


async def test_the_script_the_customer_was_in_is_suggested_first_even_without_the_kb_index(
    guide_client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "no-index-here"))
    await add_user(guide_client, "alice")
    await log_in(guide_client, "alice")
    steps = [
        {"type": "diagnostic_step", "script_id": "wifi", "node_id": "other_devices", "result": "yes"},
        {"type": "diagnostic_step", "script_id": "wifi", "node_id": "restart_router", "result": "no"},
    ]
    created = await (
        await guide_client.post("/api/handoffs", json=handoff_body(actions_taken=steps), headers=AUTH)
    ).json()
    reply = await guide_client.get(f"/console/api/tickets/{created['ticket_id']}/suggestions")
    body = await reply.json()
    assert reply.status == 503 and body["articles"] == []  # the articles are missing, the guide is not
    [guide] = body["scripts"]
    assert guide["script_id"] == "wifi" and guide["tried"] is True
    assert guide["link"] == "/help/scripts/wifi" and guide["steps"] > 3
