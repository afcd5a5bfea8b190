"""Console security on the real app: lockout, idle expiry, CSP, secure cookies behind TLS, redaction of
customer text the API takes directly, and the transcript access log."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiohttp.test_utils import TestClient

from handoff.auth import MAX_FAILURES
from handoff.client_address import client_address, trusted_proxies
from tests.handoff.conftest import AUTH, handoff_body
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
