"""Console security on the real app: lockout, idle expiry, CSP, secure cookies behind TLS, redaction of
customer text the API takes directly, and the transcript access log."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import time

import pytest
from aiohttp.test_utils import TestClient
from cryptography import fernet

from handoff.client_address import client_address, trusted_proxies
from handoff.login_throttle import MAX_FAILURES, LoginThrottle
from handoff.state import DATABASE, STORE
from handoff.users import hash_password
from tests.handoff.conftest import AUTH, ClientFactory, handoff_body
from tests.handoff.test_console import PASSWORD, add_user, log_in


async def _login_status(client: TestClient, username: str, password: str) -> tuple[int, str]:
    page = await (await client.get("/console/login")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = await client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf": csrf},
        allow_redirects=False,
    )
    return response.status, await response.text()


async def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(client: TestClient) -> None:
    await add_user(client, "alice")
    for _ in range(MAX_FAILURES):
        status, _ = await _login_status(client, "alice", "guess")
        assert status == 401
    status, page = await _login_status(client, "alice", PASSWORD)
    assert status == 429
    assert "Too many wrong passwords. Wait 15 minutes" in page
    await add_user(client, "bob")  # the same address is locked too: no spraying other accounts
    assert (await _login_status(client, "bob", PASSWORD))[0] == 429


async def test_an_idle_session_must_log_in_again(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    await add_user(client, "carol")
    assert await log_in(client, "carol")
    monkeypatch.setenv("HANDOFF_SESSION_IDLE_MINUTES", "0.02")  # 1.2 s
    assert (await client.get("/console/api/queue")).status == 200
    await asyncio.sleep(1.5)
    assert (await client.get("/console/api/queue")).status == 401


@pytest.mark.parametrize("path", ["/console/login", "/", "/help"])
async def test_html_pages_carry_a_content_security_policy(client: TestClient, path: str) -> None:
    response = await client.get(path)
    assert response.status == 200
    policy = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    )


async def test_cookies_are_secure_behind_tls(client: TestClient) -> None:
    response = await client.get("/console/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


async def test_customer_text_sent_to_the_api_is_redacted_before_storage(client: TestClient) -> None:
    body = handoff_body("conv-secret", summary="card 4111 1111 1111 1111 declined")
    body["transcript"][0]["text"] = "my password is hunter2 please reset it"
    body["transcript"][1]["text"] = "Bot lines are ours: 4111 1111 1111 1111 stays"
    created = await client.post("/api/handoffs", json=body, headers=AUTH)
    ticket_id = (await created.json())["ticket_id"]
    await client.put(
        f"/api/handoffs/{ticket_id}/callback",
        json={"consent": True, "phone": "07700 900123", "preferred_time": "after 5, pw: Summer2024!"},
        headers=AUTH,
    )
    await client.put(
        f"/api/handoffs/{ticket_id}/feedback",
        json={"rating": 2, "comment": "call 07700 900456"},
        headers=AUTH,
    )
    ticket = await (await client.get(f"/api/handoffs/{ticket_id}", headers=AUTH)).json()
    assert ticket["summary"] == "card [card number] declined"
    assert ticket["transcript"][0]["text"] == "my password is [password] please reset it"
    assert ticket["callback"]["phone"] == "07700 900123"  # consented contact details are kept
    assert ticket["callback"]["preferred_time"] == "after 5, pw: [password]"
    assert ticket["satisfaction_comment"] == "call [phone number]"


async def test_every_transcript_opening_is_logged_and_only_supervisors_read_the_log(
    client: TestClient,
) -> None:
    ticket_id = (await (await client.post("/api/handoffs", json=handoff_body(), headers=AUTH)).json())[
        "ticket_id"
    ]
    await add_user(client, "dave")
    await log_in(client, "dave")
    assert (await client.get(f"/console/api/tickets/{ticket_id}")).status == 200
    assert (await client.get(f"/console/tickets/{ticket_id}/transcript.json")).status == 200
    assert (await client.get("/console/api/access-log")).status == 403
    await client.post("/console/logout", data={"csrf": await log_in(client, "dave")})

    await add_user(client, "erin", role="supervisor")
    await log_in(client, "erin")
    entries = (await (await client.get("/console/api/access-log")).json())["entries"]
    assert [(e["username"], e["action"], e["ticket_id"]) for e in entries][-2:] == [
        ("dave", "exported_json", ticket_id),
        ("dave", "opened_transcript", ticket_id),
    ]
    page = await (await client.get("/console/access-log")).text()
    assert "dave" in page and f"#{ticket_id}" in page and "exported json" in page


def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy() -> None:
    proxies = trusted_proxies("127.0.0.1, 10.0.0.0/8, not-an-address")
    assert len(proxies) == 2
    # HAProxy appended the client: that one counts; what the client wrote itself (left of it) does not.
    assert client_address("127.0.0.1", "203.0.113.5", proxies) == "203.0.113.5"
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.5", proxies) == "203.0.113.5"
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.5, 10.1.2.3", proxies) == "203.0.113.5"
    # Straight from the internet: the header is whatever the client says, so the peer counts.
    assert client_address("203.0.113.7", "127.0.0.1", proxies) == "203.0.113.7"
    assert client_address("127.0.0.1", "203.0.113.5", ()) == "127.0.0.1"  # no proxy configured
    assert client_address("127.0.0.1", "1.2.3.4, garbage", proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"


async def _login_from(client: TestClient, username: str, password: str, forwarded: str) -> int:
    page = await (await client.get("/console/login")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = await client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf": csrf},
        headers={"X-Forwarded-For": forwarded},
        allow_redirects=False,
    )
    return response.status


async def test_behind_the_proxy_one_attackers_failures_lock_their_address_not_every_agent(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cluster profile: every request comes from HAProxy (127.0.0.1 here)."""
    monkeypatch.setenv("HANDOFF_TRUSTED_PROXIES", "127.0.0.1")
    await add_user(client, "alice")
    await add_user(client, "bob")
    for number in range(MAX_FAILURES):  # one attacker tries different names from one address
        assert await _login_from(client, f"guess{number}", "guess", "198.51.100.9") == 401
    assert await _login_from(client, "alice", PASSWORD, "198.51.100.9") == 429  # the attacker's address
    assert await _login_from(client, "bob", PASSWORD, "203.0.113.20") == 302  # another agent logs in
    # A forged header does not escape the lock: HAProxy's own entry is the last one.
    assert await _login_from(client, "alice", PASSWORD, "203.0.113.20, 198.51.100.9") == 429


async def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(client: TestClient) -> None:
    await add_user(client, "alice")
    for number in range(MAX_FAILURES):
        assert await _login_from(client, f"guess{number}", "guess", f"198.51.100.{number}") == 401
    assert await _login_from(client, "alice", PASSWORD, "203.0.113.20") == 429


async def test_the_widget_demo_runs_under_its_policy_and_the_widget_script_is_never_read_as_a_page(
    client: TestClient,
) -> None:
    demo = await client.get("/demo")
    policy = demo.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "connect-src 'self' http://127.0.0.1:9 ws://127.0.0.1:9" in policy  # the widget reaches Rasa
    assert "frame-ancestors 'none'" in policy and demo.headers["X-Frame-Options"] == "DENY"
    page = await demo.text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script the policy would block
    script = await client.get("/widget.js")
    assert script.status == 200 and "javascript" in script.headers["Content-Type"]
    assert script.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_session_cookie_is_http_only_and_same_site_strict(client: TestClient) -> None:
    await add_user(client, "frank")
    page = await (await client.get("/console/login")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = await client.post(
        "/console/login",
        data={"username": "frank", "password": PASSWORD, "csrf": csrf},
        allow_redirects=False,
    )
    cookie = response.cookies["handoff_session"]
    assert cookie["samesite"] == "Strict" and cookie["httponly"] is True
    assert int(cookie["max-age"]) == 12 * 3600


def _session_cookie_created(client: TestClient, hours_ago: float) -> str:
    """The agent's session cookie as a browser that ignores max-age would keep it, made `hours_ago`."""
    key = base64.urlsafe_b64encode(hashlib.sha256(b"test-session-secret-0123456789abcdef").digest())
    box = fernet.Fernet(key)
    [cookie] = [c for c in client.session.cookie_jar if c.key == "handoff_session"]
    data = json.loads(box.decrypt(cookie.value.encode()))
    now = int(time.time())
    data["created"] = now - int(hours_ago * 3600)
    data["session"]["seen"] = now  # not idle: only the absolute cap can end it
    return box.encrypt(json.dumps(data).encode()).decode()


async def test_a_session_ends_12_hours_after_login_even_when_it_was_never_idle(client: TestClient) -> None:
    await add_user(client, "gina")
    assert await log_in(client, "gina")
    for hours, status in ((11.5, 200), (12.1, 401)):
        replayed = {"Cookie": f"handoff_session={_session_cookie_created(client, hours)}"}
        client.session.cookie_jar.clear()
        answer = await client.get("/console/api/queue", headers=replayed)
        assert answer.status == status, hours
        assert await log_in(client, "gina")


async def test_an_agent_outside_the_queue_cannot_export_a_transcript_and_nothing_is_logged(
    client: TestClient,
) -> None:
    body = handoff_body("conv-payroll", queue="account", summary="payroll login")
    ticket_id = (await (await client.post("/api/handoffs", json=body, headers=AUTH)).json())["ticket_id"]
    await client.app[STORE].create_user("nina", "Nina", hash_password(PASSWORD), "agent", ["network"])
    assert await log_in(client, "nina")
    for kind in ("json", "html"):
        refused = await client.get(f"/console/tickets/{ticket_id}/transcript.{kind}")
        assert refused.status == 403
        assert "payroll" not in await refused.text()
    rows = await client.app[DATABASE].fetch("SELECT action FROM access_log WHERE ticket_id = ?", (ticket_id,))
    assert rows == []


async def test_the_lockout_holds_on_every_handoff_process(make_client: ClientFactory) -> None:
    """Two handoff processes on one database (behind HAProxy): failures on one lock the other too."""
    first, second = await make_client(), await make_client()
    await add_user(first, "alice")
    for attempt in range(MAX_FAILURES):
        tried = first if attempt % 2 else second  # HAProxy's round robin
        assert (await _login_status(tried, "alice", "guess"))[0] == 401
    assert (await _login_status(first, "alice", PASSWORD))[0] == 429
    assert (await _login_status(second, "alice", PASSWORD))[0] == 429


async def test_a_lock_ends_after_15_minutes_and_old_failures_do_not_count(client: TestClient) -> None:
    throttle = LoginThrottle(client.app[DATABASE])
    minute = 60
    start = time.time()
    for at in range(MAX_FAILURES - 1):  # four failures in the first seconds
        await throttle.failed("bob", "198.51.100.4", now=start + at)
    await throttle.failed(
        "bob", "198.51.100.5", now=start + 16 * minute
    )  # the first four are out of the window
    assert await throttle.locked_for("bob", "203.0.113.1", now=start + 16 * minute) == 0
    for second in range(1, MAX_FAILURES):
        await throttle.failed("bob", "198.51.100.5", now=start + 16 * minute + second)
    locked_at = start + 16 * minute + MAX_FAILURES - 1
    assert await throttle.locked_for("bob", "203.0.113.1", now=locked_at) == 15 * minute
    assert await throttle.locked_for("alice", "198.51.100.5", now=locked_at) == 15 * minute  # the address too
    assert await throttle.locked_for("bob", "203.0.113.1", now=locked_at + 15 * minute + 1) == 0
    assert await throttle.locked_for("carol", "198.51.100.4", now=locked_at) == 0
