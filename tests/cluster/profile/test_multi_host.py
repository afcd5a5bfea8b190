"""docs/deploy.md's layout on four machines (network namespaces): lb (HAProxy, its file from
`python -m stack haproxy-config`), app1 and app2 (Rasa, action server, handoff service each, on the standard
ports, bound to the host's own address), db (PostgreSQL and Redis with passwords, reached over the network).
Customers chat through the load balancer; a whole app machine dying costs them nothing.

The app hosts' servers are started from the systemd units and the environment file docs/deploy.md gives
(stack/systemd_units.py): each unit's ExecStart argv, its WorkingDirectory, its environment (the manager's
PATH, the assistant user's HOME, Environment= and the EnvironmentFile), /opt/assistant being this checkout;
the action server's ExecStartPost (the warm-up) runs as soon as its ExecStart has started, as systemd runs
it. There is no systemd manager here: Restart=, unit ordering and User= are not exercised."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from bot.channels.failure_message import FAILURE_TEXT
from stack import paths
from stack.client import reply_text
from stack.cluster_env import DATABASES
from stack.engine_services import postgres_service, redis_service
from stack.engines import PostgresServer, RedisServer
from stack.haproxy import haproxy_bin
from stack.prepare import ensure_kb_index, ensure_model, ensure_onnx_model
from stack.process import ServiceProcess
from stack.secrets import fresh_secrets, new_secret
from stack.services import StackConfig
from stack.systemd_units import ENV_FILE, INSTALL_ROOT, MANAGER_PATH, Unit, deploy_env_file, deploy_units
from tests.cluster.profile.netns import Network

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("ip"), reason="network namespaces need root"),
]

HOSTS = {"lb": 10, "app1": 11, "app2": 12, "db": 20}
APPS = ("app1", "app2")
# Each unit of docs/deploy.md, what it is called here and where it answers once it is up.
UNITS = {"assistant-handoff.service": 8300, "assistant-actions.service": 5055, "assistant-rasa.service": 5005}
DOC_MODEL = f"{INSTALL_ROOT}/models/MODEL.tar.gz"
KB_QUESTION = "how do I reset my password"


@dataclass
class Machines:
    network: Network
    entry: StackConfig
    services: dict[str, list[ServiceProcess]]

    def send(self, sender: str, text: str) -> str:
        reply = httpx.post(
            f"{self.entry.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=90,
        )
        reply.raise_for_status()
        return reply_text(reply.json())

    def user_texts(self, sender: str) -> list[str]:
        reply = httpx.get(
            f"{self.entry.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.entry.secrets.rasa_auth_token},
            timeout=30,
        )
        reply.raise_for_status()
        return [event.get("text") for event in reply.json()["events"] if event["event"] == "user"]

    def handoffs(self, sender: str) -> list[dict[str, Any]]:
        reply = httpx.get(
            f"{self.entry.handoff_url}/api/conversations/{sender}/handoffs",
            headers={"Authorization": f"Bearer {self.entry.secrets.handoff_api_token}"},
            timeout=15,
        )
        reply.raise_for_status()
        found: list[dict[str, Any]] = reply.json()["handoffs"]
        return found

    def served_by(self) -> dict[str, int]:
        reply = httpx.get(f"http://{self.network.hosts['lb']}:8404/stats;csv", timeout=5)
        rows = [line.split(",") for line in reply.text.splitlines() if line.startswith("rasa_rest,rasa")]
        return {row[1]: int(row[7] or 0) for row in rows}  # svname -> stot


def _on(network: Network, host: str, service: ServiceProcess) -> ServiceProcess:
    service.command = network.on(host, service.command)
    return service


def _host_env_file(network: Network, app: str, state_dir: Path, secrets: dict[str, str]) -> str:
    """docs/deploy.md's /etc/assistant/assistant.env for `app`: its example addresses, placeholder
    passwords and secrets replaced by this network's and this test's, /opt/assistant by this checkout and
    /var/lib/assistant by the host's own folder. Every other line as the page gives it."""
    hosts = network.hosts
    text = deploy_env_file()
    for example, real in (
        ("10.0.1.10", hosts["lb"]),
        ("10.0.1.11", hosts[app]),
        ("10.0.1.20", hosts["db"]),
        ("CHANGE-ME-TOO", secrets["redis"]),
        ("CHANGE-ME", secrets["postgres"]),
        (INSTALL_ROOT, str(paths.REPO_ROOT)),
        ("/var/lib/assistant", str(state_dir)),
    ):
        text = text.replace(example, real)
    for name in ("RASA_AUTH_TOKEN", "HANDOFF_API_TOKEN", "HANDOFF_SESSION_SECRET"):
        text, found = re.subn(rf"^{name}=\.\.\.$", f"{name}={secrets[name]}", text, flags=re.M)
        assert found == 1, f"docs/deploy.md's env file has no {name}=... line"
    assert "CHANGE-ME" not in text and "=..." not in text, text
    return text


@dataclass
class UnitOnHost:
    """One unit of docs/deploy.md started on an app host as systemd would start it."""

    unit: Unit
    env: dict[str, str]
    main: ServiceProcess
    post: list[list[str]]  # ExecStartPost argvs, run once ExecStart has started

    def start_post(self, network: Network, app: str, log_dir: Path) -> list[subprocess.Popen[bytes]]:
        started = []
        for n, argv in enumerate(self.post):
            with (log_dir / f"{self.unit.name}-{app}-post{n}.log").open("wb") as log:
                started.append(
                    subprocess.Popen(
                        network.on(app, argv),
                        cwd=self.main.cwd,
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
        return started


def _unit_on_host(
    network: Network, app: str, unit: Unit, env_file: Path, model: Path, home: Path, logs: Path
) -> UnitOnHost:
    unit = unit.relocated(
        {DOC_MODEL: str(model), INSTALL_ROOT: str(paths.REPO_ROOT), ENV_FILE: str(env_file)}
    )
    env = unit.environment({"PATH": MANAGER_PATH, "HOME": str(home)})  # User= would set HOME
    [start] = unit.commands("ExecStart")
    working_directory = unit.value("Service", "WorkingDirectory")
    assert working_directory is not None, unit.name
    host, port = network.hosts[app], UNITS[unit.name]
    health = f"http://{host}:{port}/health"
    if unit.name == "assistant-rasa.service":
        health = f"http://{host}:{port}/status?token={env['RASA_AUTH_TOKEN']}"
    main = ServiceProcess(
        name=f"{unit.name} on {app}",
        command=network.on(app, start.argv(env)),
        env=env,
        cwd=Path(working_directory),
        log_file=logs / f"{unit.name}-{app}.log",
        health_url=health,
    )
    post = [command.argv(env) for command in unit.commands("ExecStartPost")]
    return UnitOnHost(unit=unit, env=env, main=main, post=post)


def _start(services: list[ServiceProcess], timeout: float) -> None:
    for service in services:
        service.start()
    for service in services:
        service.wait_healthy(timeout)


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Machines]:
    network = Network()
    workdir = Path(tempfile.mkdtemp(prefix="assistant-hosts-"))
    workdir.chmod(0o755)  # PostgreSQL runs as `postgres`
    services: dict[str, list[ServiceProcess]] = {}
    warm_ups: list[subprocess.Popen[bytes]] = []
    try:
        network.create(HOSTS)
        hosts = network.hosts
        logs = workdir / "logs"
        postgres = PostgresServer(
            port=5432,
            data_dir=workdir / "db" / "postgres" / "data",
            password=new_secret(),
            host=hosts["db"],
            client_network=str(network.subnet),
        )
        redis = RedisServer(
            port=6379, data_dir=workdir / "db" / "redis", host=hosts["db"], password=new_secret()
        )
        services["db"] = [
            _on(network, "db", postgres_service(postgres, logs / "postgres.log")),
            _on(network, "db", redis_service(redis, logs / "redis.log")),
        ]
        _start(services["db"], 60)
        for name in DATABASES:
            postgres.create_database(name)

        ensure_onnx_model()
        entry = StackConfig(
            model_path=ensure_model(),
            kb_index_dir=ensure_kb_index(paths.VAR_DIR / "kb_index"),
            tracker_db=workdir / "rasa_tracker.db",
            handoff_db=workdir / "handoff.db",
            log_dir=logs,
            secrets=fresh_secrets(),
            host=hosts["lb"],  # every server reaches the others through the load balancer
        )
        layout = subprocess.run(  # the command docs/deploy.md gives operators
            [str(paths.APP_PYTHON), "-m", "stack", "haproxy-config", "--bind", hosts["lb"]]
            + [arg for app in APPS for arg in ("--rasa", f"{hosts[app]}:5005")]
            + [arg for app in APPS for arg in ("--actions", f"{hosts[app]}:5055")]
            + [arg for app in APPS for arg in ("--handoff", f"{hosts[app]}:8300")],
            cwd=paths.REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (workdir / "haproxy.cfg").write_text(layout, encoding="utf-8")
        haproxy = ServiceProcess(
            name="HAProxy",
            command=network.on("lb", [haproxy_bin(), "-W", "-db", "-f", str(workdir / "haproxy.cfg")]),
            env={"PATH": os.environ["PATH"]},
            cwd=paths.REPO_ROOT,
            log_file=logs / "haproxy.log",
            health_url=f"http://{hosts['lb']}:8404/health",
        )
        services["lb"] = [haproxy]
        haproxy.start()

        units = deploy_units()
        assert sorted(units) == sorted(UNITS), "docs/deploy.md's units changed: update UNITS"
        secrets = {
            "postgres": postgres.password,
            "redis": redis.password or "",
            "RASA_AUTH_TOKEN": entry.secrets.rasa_auth_token,
            "HANDOFF_API_TOKEN": entry.secrets.handoff_api_token,
            "HANDOFF_SESSION_SECRET": entry.secrets.handoff_session_secret,
        }
        shared_attachments = workdir / "attachments"  # the shared mount the page asks for
        shared_attachments.mkdir()
        for app in APPS:
            state_dir = workdir / app / "var-lib-assistant"  # the host's own /var/lib/assistant
            state_dir.mkdir(parents=True)
            (state_dir / "attachments").symlink_to(shared_attachments)
            env_file = workdir / app / "assistant.env"
            env_file.write_text(_host_env_file(network, app, state_dir, secrets), encoding="utf-8")
            env_file.chmod(0o600)
            home = workdir / app / "home"
            home.mkdir()
            on_host = [
                _unit_on_host(network, app, units[name], env_file, entry.model_path, home, logs)
                for name in UNITS  # systemctl enable --now assistant-handoff assistant-actions assistant-rasa
            ]
            services[app] = [unit.main for unit in on_host]
            for unit in on_host:
                unit.main.start()
                warm_ups += unit.start_post(network, app, logs)
        for service in [haproxy, *services["app1"], *services["app2"]]:
            service.wait_healthy(600)
        for warm_up in warm_ups:  # "-": systemd would ignore a failure; here the warm-up must work
            assert warm_up.wait(timeout=600) == 0, f"ExecStartPost failed: {warm_up.args}"
        yield Machines(network=network, entry=entry, services=services)
    finally:
        for warm_up in warm_ups:
            if warm_up.poll() is None:
                os.killpg(warm_up.pid, signal.SIGKILL)
        for group in reversed(list(services.values())):
            for service in reversed(group):
                service.stop()
        network.remove()
        if (workdir / "logs").is_dir():  # the servers' logs stay with pytest's other temporary files
            shutil.copytree(workdir / "logs", tmp_path_factory.mktemp("host-logs"), dirs_exist_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)


def test_customers_and_agents_go_through_the_load_balancer_to_both_machines(
    machines: Machines, conversation_id: str
) -> None:
    assert machines.entry.rasa_url.startswith(f"http://{machines.network.hosts['lb']}:")
    before = machines.served_by()
    said = ["hello", KB_QUESTION, "thanks", "I want to talk to a person"]
    replies = [machines.send(conversation_id, text) for text in said]
    assert "password" in replies[1].lower()
    assert all(reply and FAILURE_TEXT not in reply for reply in replies), replies
    after = machines.served_by()
    assert all(after[server] > before.get(server, 0) for server in ("rasa1", "rasa2")), (before, after)
    assert machines.user_texts(conversation_id) == said
    [ticket] = machines.handoffs(conversation_id)
    assert "hello" in str(ticket["transcript"])


async def test_website_chat_through_the_load_balancer(machines: Machines, conversation_id: str) -> None:
    replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    joined = asyncio.Event()
    chat = socketio.AsyncClient()
    chat.on("bot_uttered", replies.put)

    async def confirmed(*args: Any) -> None:
        joined.set()

    chat.on("session_confirm", confirmed)
    await chat.connect(machines.entry.rasa_url, socketio_path="/socket.io", transports=["websocket"])
    try:
        await chat.emit("session_request", {"session_id": conversation_id})
        await asyncio.wait_for(joined.wait(), timeout=30)
        await chat.emit("user_uttered", {"message": KB_QUESTION, "session_id": conversation_id})
        reply = await asyncio.wait_for(replies.get(), timeout=90)
    finally:
        await chat.disconnect()
    assert "password" in reply["text"].lower()


def test_a_whole_app_machine_dying_costs_the_customer_nothing(
    machines: Machines, conversation_id: str
) -> None:
    assert "password" in machines.send(conversation_id, KB_QUESTION).lower()
    assert machines.send(conversation_id, "I want to talk to a person")
    [ticket] = machines.handoffs(conversation_id)

    for service in machines.services["app1"]:  # app1's Rasa, action server and handoff service, all at once
        assert service.process is not None
        os.killpg(service.process.pid, signal.SIGKILL)
        service.process.wait(timeout=10)

    reply = machines.send(conversation_id, "how do I connect to the office wifi")
    assert reply and FAILURE_TEXT not in reply, reply
    again = machines.send(conversation_id, "I want to talk to a person")
    assert str(ticket["ticket_id"]) in again, again
    assert [found["ticket_id"] for found in machines.handoffs(conversation_id)] == [ticket["ticket_id"]]
    assert machines.user_texts(conversation_id) == [
        KB_QUESTION,
        "I want to talk to a person",
        "how do I connect to the office wifi",
        "I want to talk to a person",
    ]
