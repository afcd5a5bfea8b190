"""The cluster profile as an operator starts it (`python -m stack run --cluster`), seen from outside: its
printed URLs, HAProxy's status page, and the processes listening on each port (to kill -9 them)."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from stack import paths
from stack.client import AssistantClient

READY_LINE = "The assistant is running."


class LauncherFailed(AssertionError):
    """The launcher exited or did not print its URLs in time."""


@dataclass
class LaunchedCluster(AssistantClient):
    """The launcher's cluster; messages, trackers and tickets through stack/client.py, via HAProxy."""

    send_timeout = 90.0  # these tests wait longer for the bot's answer than the single stack's 60 s

    launcher: subprocess.Popen[bytes]
    output: Path
    env: dict[str, str]
    workdir: Path
    instance_ports: dict[str, list[int]] = field(default_factory=dict)

    # --- what the launcher printed ---------------------------------------------------------------------
    def printed(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.printed()
            if READY_LINE in text and "Rasa instances:" in text:
                self.instance_ports = _instance_ports(text)
                return
            if self.launcher.poll() is not None:
                raise LauncherFailed(f"the launcher exited with {self.launcher.returncode}:\n{text[-4000:]}")
            time.sleep(1.0)
        raise LauncherFailed(f"the cluster was not up after {timeout:.0f} s:\n{self.printed()[-4000:]}")

    # --- entry points ------------------------------------------------------------------------------------
    def port(self, name: str) -> int:
        return int(self.env[name])

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.port('RASA_PORT')}"

    @property
    def handoff_url(self) -> str:
        return f"http://127.0.0.1:{self.port('HANDOFF_PORT')}"

    @property
    def rasa_token(self) -> str:
        return self.env["RASA_AUTH_TOKEN"]

    @property
    def handoff_token(self) -> str:
        return self.env["HANDOFF_API_TOKEN"]

    def create_agent(self, username: str, password: str) -> None:
        """An agent account in the cluster's PostgreSQL, through the real `python -m handoff users` CLI."""
        database = (
            f"postgresql://assistant:{self.env['CLUSTER_POSTGRES_PASSWORD']}"
            f"@127.0.0.1:{self.port('CLUSTER_POSTGRES_PORT')}/handoff"
        )
        command = [str(paths.APP_PYTHON), "-m", "handoff", "users", "create", username, "--role", "agent"]
        command += ["--name", username.title(), "--password-env", "AGENT_PASSWORD"]
        env = {**self.env, "HANDOFF_DATABASE_URL": database, "AGENT_PASSWORD": password}
        done = subprocess.run(
            command, cwd=paths.REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr

    # --- HAProxy's view ----------------------------------------------------------------------------------
    def stats(self) -> dict[tuple[str, str], dict[str, str]]:
        """HAProxy's status page as CSV: (backend, server) -> row (status, stot = requests/sessions so far)."""
        reply = httpx.get(f"http://127.0.0.1:{self.port('CLUSTER_STATS_PORT')}/stats;csv", timeout=5)
        reply.raise_for_status()
        rows = csv.DictReader(io.StringIO(reply.text.lstrip("# ")))
        return {(row["pxname"], row["svname"]): row for row in rows}

    def status_becomes(self, backend: str, server: str, wanted: str, timeout: float) -> str:
        """`server`'s status in HAProxy (UP, DOWN, MAINT...) once it is `wanted` or `timeout` is over."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.stats()[(backend, server)]["status"]
            if status == wanted or time.monotonic() > deadline:
                return status
            time.sleep(0.2)

    def wait_all_up(self, timeout: float = 300.0, backends: tuple[str, ...] | None = None) -> None:
        """Every instance behind HAProxy (of `backends`, or all) passes its health check, and PostgreSQL and
        Redis listen. A test that kills one kind of server needs only that kind back from the test before."""
        deadline = time.monotonic() + timeout
        down: list[str] = []
        while time.monotonic() < deadline:
            try:
                stats = self.stats()
                down = [
                    f"{backend}/{server}"
                    for (backend, server), row in stats.items()
                    if server not in {"FRONTEND", "BACKEND"}
                    and row["status"] != "UP"
                    and (backends is None or backend in backends)
                ]
            except httpx.HTTPError as error:
                down = [f"HAProxy ({error})"]
            down += [
                name
                for name in ("CLUSTER_POSTGRES_PORT", "CLUSTER_REDIS_PORT")
                if not self.listening(self.port(name))
            ]
            if not down:
                return
            time.sleep(1.0)
        raise AssertionError(f"still down after {timeout:.0f} s: {down}\n{self.printed()[-3000:]}")

    # --- processes ---------------------------------------------------------------------------------------
    def listener_pid(self, port: int) -> int | None:
        out = subprocess.run(
            ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=True
        ).stdout
        found = re.findall(r"pid=(\d+)", out)
        return int(found[0]) if found else None

    def listening(self, port: int) -> bool:
        return self.listener_pid(port) is not None

    def kill(self, port: int) -> int:
        """kill -9 the process listening on `port`, with its process group (a crash, not a shutdown)."""
        pid = self.listener_pid(port)
        assert pid is not None, f"nothing listens on {port}"
        group = os.getpgid(pid)
        assert group not in {os.getpgid(0), self.launcher.pid}, "refusing to kill the tests or the launcher"
        os.killpg(group, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while self.listener_pid(port) == pid and time.monotonic() < deadline:
            time.sleep(0.1)
        return pid

    def wait_listening_again(self, port: int, old_pid: int, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.listener_pid(port)
            if pid is not None and pid != old_pid:
                return
            time.sleep(0.3)
        raise AssertionError(
            f"nothing listened on {port} again within {timeout:.0f} s\n{self.printed()[-3000:]}"
        )

    def stop(self, timeout: float = 90.0) -> int:
        """Ctrl-C, as an operator would; returns the launcher's exit code."""
        if self.launcher.poll() is None:
            self.launcher.send_signal(signal.SIGINT)
            try:
                self.launcher.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.launcher.pid, signal.SIGKILL)
                self.launcher.wait(timeout=10)
        return self.launcher.returncode


def _instance_ports(text: str) -> dict[str, list[int]]:
    match = re.search(r"Rasa instances:\s+([\d, ]+); action servers ([\d, ]+); handoff ([\d, ]+)", text)
    if match is None:
        raise LauncherFailed(f"no instance ports in the launcher's output:\n{text[-3000:]}")
    rasa, actions, handoff = ([int(port) for port in group.split(",")] for group in match.groups())
    return {"rasa": rasa, "actions": actions, "handoff": handoff}
