"""`make run` behaviour: a clear one-line error for a busy port; a killed child is restarted; Ctrl-C stops
every child."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time

import httpx
import pytest

from stack import paths
from stack.ports import free_port


def launcher_env(**ports: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update({name: str(port) for name, port in ports.items()})
    return env


def test_port_in_use_gives_one_clear_line_and_starts_nothing() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [str(paths.APP_PYTHON), "-m", "stack", "run"],
            cwd=paths.REPO_ROOT,
            env=launcher_env(RASA_PORT=port, ACTION_PORT=free_port(), HANDOFF_PORT=free_port()),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"Port {port} (Rasa server) is already in use" in lines[0]
    assert "RASA_PORT" in lines[0]


def test_invalid_port_setting_is_reported() -> None:
    result = subprocess.run(
        [str(paths.APP_PYTHON), "-m", "stack", "run"],
        cwd=paths.REPO_ROOT,
        env=launcher_env(RASA_PORT=0) | {"RASA_PORT": "abc"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "RASA_PORT='abc' is not a port number" in result.stderr


def child_pids(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    parents: dict[int, int] = {}
    for line in out.split("\n"):
        if line.strip():
            child, parent = (int(v) for v in line.split())
            parents[child] = parent
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - found
        found |= frontier
    return found


@pytest.mark.integration
@pytest.mark.slow
def test_run_starts_everything_prints_urls_and_ctrl_c_stops_every_child() -> None:
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "HANDOFF_PORT": free_port()}
    launcher = subprocess.Popen(
        [str(paths.APP_PYTHON), "-m", "stack", "run"],
        cwd=paths.REPO_ROOT,
        env=launcher_env(**ports),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        assert launcher.stdout is not None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = launcher.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Press Ctrl-C" in line:
                break
        text = "".join(output)
        assert "The assistant is running" in text, text
        token = json.loads((paths.VAR_DIR / "secrets.json").read_text(encoding="utf-8"))["RASA_AUTH_TOKEN"]
        assert token not in text, "the API token must not be printed"
        assert f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook" in "".join(
            output + [launcher.stdout.readline() for _ in range(6)]
        )
        children = child_pids(launcher.pid)
        assert len(children) >= 3
        reply = httpx.post(
            f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook",
            json={"sender": "launcher-test", "message": "hello"},
            timeout=60,
        )
        assert reply.status_code == 200 and reply.json()

        # One child killed: make run restarts it (one log line) instead of stopping the assistant.
        [handoff_pid] = [pid for pid in children if _cmdline(pid)[1:3] == ["-m", "handoff"]]
        os.kill(handoff_pid, signal.SIGKILL)
        restart_line = ""
        while not restart_line and time.monotonic() < deadline:
            line = launcher.stdout.readline()
            restart_line = line if "restarting it" in line else ""
        assert "The handoff service stopped (exit code -9); restarting it in 1 s (restart 1)" in restart_line
        health = f"http://127.0.0.1:{ports['HANDOFF_PORT']}/health"
        while time.monotonic() < deadline and not _answers(health):
            time.sleep(0.5)
        assert _answers(health)
        assert launcher.poll() is None
        children = child_pids(launcher.pid)
    finally:
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=60)
    time.sleep(1)
    alive = {pid for pid in children if os.path.exists(f"/proc/{pid}") and not _is_zombie(pid)}
    assert not alive, f"children still running after Ctrl-C: {alive}"
    for port in ports.values():
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return [part.decode(errors="replace") for part in cmdline.read().split(b"\0") if part]
    except FileNotFoundError:
        return []


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True
