"""docs/handoff-openapi.yaml and the route table agree, and no private route answers a stranger."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient

from handoff.routes import setup_routes

SPEC = Path(__file__).resolve().parents[2] / "docs" / "handoff-openapi.yaml"
# Routes anyone may call: liveness, the widget and its demo, help pages, static files, the login form.
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/"),
    ("GET", "/widget.js"),
    ("GET", "/demo"),
    ("GET", "/help"),
    ("GET", "/help/privacy"),
    ("GET", "/help/{doc_id}"),
    ("GET", "/help/scripts/{script_id}"),
    ("GET", "/static/{filename}"),
    ("GET", "/web/{filename}"),
    ("GET", "/console/login"),
}


def routes() -> set[tuple[str, str]]:
    """(method, path template) of every route the app serves, static folders as /prefix/{filename}."""
    app = web.Application()
    setup_routes(app)
    found = set()
    for route in app.router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path") or f"{info['prefix']}/{{filename}}"
        found.add((route.method, path))
    return found


def documented() -> set[tuple[str, str]]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    methods = {"get", "post", "put", "delete", "patch"}
    return {(m.upper(), path) for path, item in spec["paths"].items() for m in item if m in methods}


def test_every_route_is_documented_and_every_documented_path_exists() -> None:
    served, spec = routes(), documented()
    assert len(served) > 30
    assert served - spec == set(), "routes missing from docs/handoff-openapi.yaml"
    assert spec - served == set(), "documented paths the service does not serve"


async def test_every_private_route_refuses_anonymous_callers(client: TestClient) -> None:
    answered = {}
    for method, path in sorted(routes() - PUBLIC):
        url = re.sub(r"\{ticket_id\}", "1", re.sub(r"\{(conversation_id|channel_user_id)\}", "conv-1", path))
        url = url.replace("{attachment_id}", "A" * 24)
        response = await client.request(method, url, json={}, allow_redirects=False)
        answered[(method, path)] = response.status
        if response.status == 302:  # console pages send people to the login form
            assert response.headers["Location"] == "/console/login", (method, path)
    allowed = {401, 403, 302}
    assert {k: v for k, v in answered.items() if v not in allowed} == {}
    # Login needs the form's CSRF token even before the password is checked.
    assert answered[("POST", "/console/login")] == 403
    assert answered[("POST", "/api/handoffs")] == 401 and answered[("GET", "/metrics")] == 401


async def test_a_wrong_bearer_token_is_refused_on_every_bot_route(client: TestClient) -> None:
    wrong = {"Authorization": "Bearer not-the-token-at-all-0000"}
    for method, path in sorted(r for r in routes() if r[1].startswith("/api/") or r[1] == "/metrics"):
        url = path.replace("{ticket_id}", "1").replace("{conversation_id}", "conv-1")
        url = url.replace("{channel_user_id}", "user-1")
        response = await client.request(method, url, json={}, headers=wrong)
        assert response.status == 401, (method, path)
