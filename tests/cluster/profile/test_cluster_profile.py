"""The cluster profile as an operator runs it: `python -m stack run --cluster` brings up PostgreSQL, Redis,
two of each server and HAProxy; customers chat through HAProxy over REST and socket.io; kill -9 of any one
process mid-conversation costs the customer nothing (the other instance answers, nothing said is lost);
PostgreSQL and Redis going down gives a clear message and a full recovery; Ctrl-C stops everything.

The tests run in file order on one cluster (started once for the module); each crash test first waits
until everything the previous one killed is back.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from typing import Any

import aiohttp
import httpx
import pytest
import socketio

from bot.channels.failure_message import FAILURE_TEXT, STORAGE_FAILURE_TEXT
from privacy.notice import first_contact_notice
from tests.cluster.profile.launched import READY_LINE, LaunchedCluster

pytestmark = [pytest.mark.cluster, pytest.mark.integration, pytest.mark.slow]

KB_QUESTION = "how do I reset my password"
# How the privacy notice that opens a new conversation starts.
OPENING_NOTICE_START = first_contact_notice(90, None)[:30]


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def session_starts(tracker: dict[str, Any]) -> int:
    return sum(1 for event in tracker["events"] if event["event"] == "session_started")


def served(cluster: LaunchedCluster, backend: str) -> dict[str, int]:
    """Requests (sessions) each instance of `backend` has taken so far, by server name."""
    return {
        server: int(row["stot"] or 0)
        for (name, server), row in cluster.stats().items()
        if name == backend and server not in {"FRONTEND", "BACKEND"}
    }


class WebChat:
    """A website-chat customer over socket.io that rejoins its session after a reconnect, as the widget does."""

    def __init__(self, cluster: LaunchedCluster, session_id: str, transport: str) -> None:
        self.url = cluster.rasa_url
        self.session_id = session_id
        self.transport = transport
        self.client = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2
        )
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.joined = asyncio.Event()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", self._confirmed)
        self.client.on("connect", self._join)
        self.client.on("disconnect", self._left)

    async def _confirmed(self, *args: Any) -> None:
        self.joined.set()

    async def _left(self, *args: Any) -> None:
        self.joined.clear()

    async def _join(self) -> None:
        self.joined.clear()
        await self.client.emit("session_request", {"session_id": self.session_id})

    async def open(self) -> None:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=[self.transport])
        await asyncio.wait_for(self.joined.wait(), timeout=30)

    async def say(self, text: str, timeout: float = 90.0) -> list[str]:
        """Send one message; the bot's messages of that turn (the first within `timeout`, the rest after)."""
        await asyncio.wait_for(self.joined.wait(), timeout=60)
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        texts = [(await asyncio.wait_for(self.replies.get(), timeout=timeout)).get("text", "")]
        while True:
            try:
                texts.append((await asyncio.wait_for(self.replies.get(), timeout=2.0)).get("text", ""))
            except TimeoutError:
                return texts

    async def close(self) -> None:
        await self.client.disconnect()


def test_the_cluster_comes_up_with_two_of_each_server_behind_haproxy(cluster: LaunchedCluster) -> None:
    printed = cluster.printed()
    assert READY_LINE in printed
    assert f"Chat over REST:      POST {cluster.rasa_url}/webhooks/rest/webhook" in printed
    assert f"Agent console:       {cluster.handoff_url}/console" in printed
    assert "2 of each server behind HAProxy" in printed
    # How to add an agent where the cluster's console looks for them (not the single box's SQLite file).
    port = cluster.port("CLUSTER_POSTGRES_PORT")
    assert f"HANDOFF_DATABASE_URL=postgresql://assistant:PASSWORD@127.0.0.1:{port}/handoff" in printed
    assert {kind: len(ports) for kind, ports in cluster.instance_ports.items()} == {
        "rasa": 2,
        "actions": 2,
        "handoff": 2,
    }
    cluster.wait_all_up(timeout=60)
    servers = {
        (backend, server) for backend, server in cluster.stats() if server not in {"FRONTEND", "BACKEND"}
    }
    assert servers == {
        ("rasa_rest", "rasa1"),
        ("rasa_rest", "rasa2"),
        ("rasa_socketio", "rasa1"),
        ("rasa_socketio", "rasa2"),
        ("actions", "actions1"),
        ("actions", "actions2"),
        ("handoff", "handoff1"),
        ("handoff", "handoff2"),
    }


def test_a_rest_conversation_is_served_by_both_rasa_instances_and_nothing_is_lost(
    cluster: LaunchedCluster, conversation_id: str
) -> None:
    before = served(cluster, "rasa_rest")
    messages = ["hello", KB_QUESTION, "thanks", "how do I connect to the office wifi"]
    for text in messages:
        reply = cluster.send_text(conversation_id, text)
        assert reply and FAILURE_TEXT not in reply, (text, reply)
    after = served(cluster, "rasa_rest")
    assert all(after[server] > before[server] for server in after), (before, after)
    tracker = cluster.tracker(conversation_id)
    assert user_texts(tracker) == messages
    assert session_starts(tracker) == 1


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_website_chat_works_through_haproxy(
    cluster: LaunchedCluster, conversation_id: str, transport: str
) -> None:
    # Long-polling sends each message as a new HTTP request: all of them must reach the instance that knows
    # the socket.io session, or the chat breaks after the first one.
    chat = WebChat(cluster, conversation_id, transport)
    await chat.open()
    try:
        for text in ["hello", KB_QUESTION, "thanks"]:
            replies = await chat.say(text)
            assert replies[0] and replies[0] != FAILURE_TEXT, (text, replies)
    finally:
        await chat.close()
    tracker = await asyncio.to_thread(cluster.tracker, conversation_id)
    assert user_texts(tracker) == ["hello", KB_QUESTION, "thanks"]


async def test_an_agent_on_the_console_and_a_customer_on_the_website_chat_talk_through_haproxy(
    cluster: LaunchedCluster, conversation_id: str
) -> None:
    username, password = f"agent{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    await asyncio.to_thread(cluster.create_agent, username, password)
    base = cluster.handoff_url
    # unsafe=True: keep cookies from an IP-address host, as browsers do.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as agent:
        page = await (await agent.get(f"{base}/console/login")).text()
        login_csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert login_csrf is not None
        form = {"username": username, "password": password, "csrf": login_csrf.group(1)}
        async with agent.post(f"{base}/console/login", data=form) as response:
            assert response.status == 200 and str(response.url).endswith("/console")
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', await response.text())
            assert csrf is not None
        console = await agent.ws_connect(f"{base}/console/ws", origin=base)
        chat = WebChat(cluster, conversation_id, "websocket")
        await chat.open()
        try:
            await chat.say("hello")
            asked = await chat.say("I want to talk to a person")
            assert not any("problem on our side" in text for text in asked), asked

            async def new_ticket() -> dict[str, Any]:
                while True:  # the console's live socket, whichever handoff process opened the ticket
                    event = await console.receive_json()
                    if event.get("type") == "ticket_created":
                        return dict(event["ticket"])

            ticket = await asyncio.wait_for(new_ticket(), timeout=30)
            path = f"{base}/console/api/tickets/{ticket['ticket_id']}"
            headers = {"X-CSRF-Token": csrf.group(1)}
            async with agent.post(f"{path}/claim", json={}, headers=headers) as response:
                assert response.status < 300, await response.text()
            # Each reaches the widget's socket whichever Rasa instance HAProxy hands the delivery to.
            lines = [f"Hi, this is {username.title()}, message {n}" for n in range(4)]
            for line in lines:
                async with agent.post(f"{path}/messages", json={"text": line}, headers=headers) as response:
                    assert response.status < 300 and (await response.json())["delivered"] is True

            async def agent_lines() -> list[str]:  # system notices (queue place, "joined") may come between
                found: list[str] = []
                while len(found) < len(lines):
                    message = await chat.replies.get()
                    if (message.get("metadata") or {}).get("sender") == "agent":
                        found.append(message.get("text", ""))
                return found

            shown = await asyncio.wait_for(agent_lines(), timeout=60)
        finally:
            await chat.close()
            await console.close()
    assert shown == lines


def test_an_action_server_killed_mid_conversation_costs_the_customer_nothing(
    cluster: LaunchedCluster, conversation_id: str
) -> None:
    cluster.wait_all_up(backends=("actions",))
    first = cluster.send_text(conversation_id, KB_QUESTION)
    assert "password" in first.lower() and FAILURE_TEXT not in first

    cluster.kill(cluster.instance_ports["actions"][0])
    for _ in range(2):  # whichever instance HAProxy would have picked, the other one answers
        reply = cluster.send_text(conversation_id, KB_QUESTION)
        assert "password" in reply.lower() and FAILURE_TEXT not in reply, reply

    tracker = cluster.tracker(conversation_id)
    assert user_texts(tracker) == [KB_QUESTION] * 3
    assert not [event for event in tracker["events"] if (event.get("metadata") or {}).get("failsafe")]


def test_a_handoff_process_killed_mid_conversation_keeps_the_ticket_and_the_queue(
    cluster: LaunchedCluster, conversation_id: str
) -> None:
    cluster.wait_all_up(backends=("handoff",))
    cluster.send_text(conversation_id, "hello there")
    asked = cluster.send_text(conversation_id, "I want to talk to a person")
    assert "problem on our side" not in asked
    [ticket] = cluster.handoffs(conversation_id)

    cluster.kill(cluster.instance_ports["handoff"][0])
    # The agent's side (the API behind the console) answers from the other process, the ticket unchanged.
    for _ in range(2):
        [still] = cluster.handoffs(conversation_id)
        assert still["ticket_id"] == ticket["ticket_id"]
        assert "hello there" in str(still["transcript"])
    again = cluster.send_text(conversation_id, "I want to talk to a person")
    assert "problem on our side" not in again and FAILURE_TEXT not in again, again
    assert str(ticket["ticket_id"]) in again  # the same ticket, not a second one
    assert len(cluster.handoffs(conversation_id)) == 1
    assert user_texts(cluster.tracker(conversation_id)) == [
        "hello there",
        "I want to talk to a person",
        "I want to talk to a person",
    ]


def test_haproxy_killed_is_a_clear_connection_error_then_the_chat_carries_on(
    cluster: LaunchedCluster, conversation_id: str
) -> None:
    cluster.wait_all_up()
    assert cluster.send_text(conversation_id, "hello")
    entry = cluster.port("RASA_PORT")
    old_pid = cluster.kill(entry)
    with pytest.raises(httpx.TransportError):  # the single entry point: the client knows at once
        cluster.send(conversation_id, "are you there?", timeout=10)

    cluster.wait_listening_again(entry, old_pid)
    cluster.wait_all_up(timeout=60)
    reply = cluster.send_text(conversation_id, KB_QUESTION)
    assert "password" in reply.lower(), reply
    tracker = cluster.tracker(conversation_id)
    assert user_texts(tracker) == ["hello", KB_QUESTION]
    assert session_starts(tracker) == 1


@pytest.mark.parametrize("engine", ["CLUSTER_REDIS_PORT", "CLUSTER_POSTGRES_PORT"])
def test_a_database_server_restarted_gives_a_clear_message_then_full_recovery(
    cluster: LaunchedCluster, conversation_id: str, engine: str
) -> None:
    cluster.wait_all_up(backends=("rasa_rest",))
    before = ["hello", KB_QUESTION]
    for text in before:
        assert FAILURE_TEXT not in cluster.send_text(conversation_id, text)

    port = cluster.port(engine)
    old_pid = cluster.kill(port)
    started = time.monotonic()
    for _ in range(2):  # round robin: both Rasa instances, one of which never saw this conversation
        while_down = cluster.send_text(conversation_id, "are you still there?")
        # Exactly the "send it again" answer: never silence, never the opening notice of a new chat.
        assert while_down == STORAGE_FAILURE_TEXT, while_down
    assert time.monotonic() - started < 70

    cluster.wait_listening_again(port, old_pid)
    deadline = time.monotonic() + 120
    while True:  # the first messages after the restart may still find the database starting up
        reply = cluster.send_text(conversation_id, "how do I connect to the office wifi")
        if STORAGE_FAILURE_TEXT not in reply or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert reply and FAILURE_TEXT not in reply and STORAGE_FAILURE_TEXT not in reply, reply
    assert not any(line.startswith(OPENING_NOTICE_START) for line in reply.split("\n")), reply
    tracker = cluster.tracker(conversation_id)
    texts = user_texts(tracker)
    # Everything said before the outage is there, in order, and the conversation did not start over.
    assert texts[: len(before)] == before
    assert texts[-1] == "how do I connect to the office wifi"
    assert session_starts(tracker) == 1


async def test_a_rasa_instance_killed_mid_conversation_the_other_answers_rest_and_website_chat(
    cluster: LaunchedCluster, conversation_id: str
) -> None:
    await asyncio.to_thread(cluster.wait_all_up, 300.0, ("rasa_rest", "rasa_socketio"))
    chat = WebChat(cluster, f"{conversation_id}-web", "websocket")
    await chat.open()
    try:
        assert (await chat.say("hello"))[0] != FAILURE_TEXT
        assert FAILURE_TEXT not in await asyncio.to_thread(cluster.send_text, conversation_id, "hello")
        # The instance holding the customer's websocket is the one to kill.
        open_sockets = {
            server: int(row["scur"] or 0)
            for (backend, server), row in (await asyncio.to_thread(cluster.stats)).items()
            if backend == "rasa_socketio" and server not in {"FRONTEND", "BACKEND"}
        }
        holder = max(open_sockets, key=lambda server: open_sockets[server])
        assert open_sockets[holder] >= 1, open_sockets
        port = cluster.instance_ports["rasa"][int(holder.removeprefix("rasa")) - 1]
        [other] = [each for each in cluster.instance_ports["rasa"] if each != port]
        other_pid = await asyncio.to_thread(cluster.listener_pid, other)
        await asyncio.to_thread(cluster.kill, port)
        # Killing one instance leaves the other one alone.
        assert await asyncio.to_thread(cluster.listener_pid, other) == other_pid is not None, (
            other_pid,
            await asyncio.to_thread(cluster.listener_pid, other),
            cluster.printed()[-1500:],
        )

        # Until it is ready again, the restarted instance gets no customers (its port is open while its
        # model loads).
        for backend in ("rasa_rest", "rasa_socketio"):
            status = await asyncio.to_thread(cluster.status_becomes, backend, holder, "MAINT", 10.0)
            assert status == "MAINT", (backend, status)
        rest = await asyncio.to_thread(cluster.send_text, conversation_id, KB_QUESTION)
        assert "password" in rest.lower() and FAILURE_TEXT not in rest, rest
        web = await chat.say(KB_QUESTION)  # after the widget's automatic reconnect, to the other instance
        assert "password" in web[0].lower(), web
    finally:
        await chat.close()
    for sender in (conversation_id, f"{conversation_id}-web"):
        tracker = await asyncio.to_thread(cluster.tracker, sender)
        assert user_texts(tracker) == ["hello", KB_QUESTION]
        assert session_starts(tracker) == 1


def test_ctrl_c_stops_every_process_of_the_cluster(cluster: LaunchedCluster) -> None:
    ports = [
        cluster.port(name)
        for name in ("RASA_PORT", "ACTION_PORT", "HANDOFF_PORT", "CLUSTER_STATS_PORT", "CLUSTER_REDIS_PORT")
    ]
    ports += [cluster.port("CLUSTER_POSTGRES_PORT")]
    ports += [port for kind in cluster.instance_ports.values() for port in kind]
    assert cluster.stop() == 0
    assert "Stopped." in cluster.printed()
    deadline = time.monotonic() + 15
    while (still := [port for port in ports if cluster.listening(port)]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert still == [], f"still listening after Ctrl-C: {still}"
