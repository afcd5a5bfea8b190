"""HAProxy for the cluster profile: the rendered file is one HAProxy accepts, the operator's
`python -m stack haproxy-config` refuses a bad address with one clear line, and the runtime admin socket
takes a server out of rotation and puts it back (what the launcher does while an action server warms up)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from stack import paths
from stack.haproxy import Backend, HAProxyAdmin, HAProxyLayout, haproxy_bin, render, write_config
from stack.ports import free_port

STACK = [str(paths.APP_PYTHON), "-m", "stack"]
TWO_MACHINES = [
    *("--rasa", "10.0.1.11:5005", "--rasa", "10.0.1.12:5005"),
    *("--actions", "10.0.1.11:5055", "--actions", "10.0.1.12:5055"),
    *("--handoff", "10.0.1.11:8300", "--handoff", "10.0.1.12:8300"),
]


def _layout(tmp_path: Path) -> HAProxyLayout:
    return HAProxyLayout(
        rasa_port=free_port(),
        handoff_port=free_port(),
        action_port=free_port(),
        stats_port=free_port(),
        rasa=(Backend("rasa1", f"127.0.0.1:{free_port()}"), Backend("rasa2", f"127.0.0.1:{free_port()}")),
        handoff=(Backend("handoff1", f"127.0.0.1:{free_port()}"),),
        actions=(
            Backend("actions1", f"127.0.0.1:{free_port()}"),
            Backend("actions2", f"127.0.0.1:{free_port()}"),
        ),
        admin_socket=str(tmp_path / "haproxy.sock"),
    )


def _sections(config: str) -> dict[str, list[str]]:
    """The rendered file's sections ("defaults", "backend rasa_rest", ...) and their lines, comments left out."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in config.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            current = sections.setdefault(line.strip(), [])
        else:
            current.append(line.strip())
    return sections


def test_every_server_has_a_connection_limit_so_a_busy_cluster_queues_instead_of_answering_503(
    tmp_path: Path,
) -> None:
    layout = _layout(tmp_path)
    sections = _sections(render(layout))
    limits = {
        "backend rasa_rest": layout.rasa_maxconn,
        "backend rasa_socketio": layout.socketio_maxconn,
        "backend handoff": layout.handoff_maxconn,
        "backend actions": layout.actions_maxconn,
    }
    for backend, limit in limits.items():
        servers = [line for line in sections[backend] if line.startswith("server ")]
        assert servers, backend
        for server in servers:
            assert re.search(rf"\bmaxconn {limit}\b", server), (backend, server)
    # A REST request waits for a free slot on a Rasa instance (one event loop) instead of piling onto it.
    assert 1 <= layout.rasa_maxconn <= 64
    # Every open website chat holds one connection: the socket.io limit must not cap chats at a handful.
    assert layout.socketio_maxconn >= 500
    assert any(re.fullmatch(r"timeout queue \d+s", line) for line in sections["defaults"])


def test_only_health_checks_take_a_server_out_never_one_connection_error(tmp_path: Path) -> None:
    sections = _sections(render(_layout(tmp_path)))
    settings = "\n".join(line for lines in sections.values() for line in lines)
    assert "mark-down" not in settings
    assert "sudden-death" not in settings
    server_lines = [
        line
        for lines in sections.values()
        for line in lines
        if line.startswith(("server ", "default-server "))
    ]
    for line in server_lines:
        if "observe" in line:  # connection errors may only make the health checks come sooner
            assert re.search(r"\bon-error fastinter\b", line), line
    [default_server] = [line for line in server_lines if line.startswith("default-server ")]
    assert re.search(r"\bfall [2-9]\b", default_server), default_server  # one slow check is not enough
    # A killed instance refuses connections: those requests are retried on the other one meanwhile.
    assert "retry-on conn-failure" in sections["defaults"]
    assert "option redispatch 1" in sections["defaults"]


def test_the_connection_limits_can_be_set_and_haproxy_accepts_them(tmp_path: Path) -> None:
    layout = HAProxyLayout(**{**vars(_layout(tmp_path)), "rasa_maxconn": 4, "actions_maxconn": 8})
    config = write_config(layout, tmp_path / "haproxy.cfg")  # raises when `haproxy -c` refuses it
    rasa_rest = _sections(config.read_text(encoding="utf-8"))["backend rasa_rest"]
    assert [line.split()[-1] for line in rasa_rest if line.startswith("server ")] == ["4", "4"]


def _states(layout: HAProxyLayout, backend: str) -> dict[str, str]:
    reply = httpx.get(f"http://127.0.0.1:{layout.stats_port}/stats;csv", timeout=5)
    rows = csv.DictReader(io.StringIO(reply.text.lstrip("# ")))
    return {row["svname"]: row["status"] for row in rows if row["pxname"] == backend}


def test_an_action_server_is_held_out_of_rotation_and_released(tmp_path: Path) -> None:
    layout = _layout(tmp_path)
    config = write_config(layout, tmp_path / "haproxy.cfg")  # raises when `haproxy -c` refuses it
    haproxy = subprocess.Popen([haproxy_bin(), "-W", "-db", "-f", str(config)], stdout=subprocess.DEVNULL)
    try:
        admin = HAProxyAdmin(Path(layout.admin_socket or ""))
        deadline = time.monotonic() + 20
        while not Path(layout.admin_socket or "").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert admin.hold("actions", "actions1")
        assert _states(layout, "actions")["actions1"] == "MAINT"
        assert _states(layout, "actions")["actions2"] != "MAINT"
        assert admin.release("actions", "actions1")
        assert _states(layout, "actions")["actions1"] != "MAINT"
        assert not admin.hold("actions", "no-such-server")  # refused, logged, never raised
    finally:
        haproxy.terminate()
        haproxy.wait(timeout=10)


def test_the_admin_socket_missing_is_not_an_exception(tmp_path: Path) -> None:
    assert not HAProxyAdmin(tmp_path / "nothing.sock").hold("actions", "actions1")


@pytest.mark.parametrize("bad", ["10.0.0.1", "10.0.0.1:http", ":5005", "10.0.0.1:70000"])
def test_haproxy_config_refuses_a_bad_address_with_one_clear_line(bad: str) -> None:
    result = subprocess.run(
        [*STACK, "haproxy-config", "--rasa", bad, "--actions", "10.0.0.2:5055", "--handoff", "10.0.0.2:8300"],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{bad!r} is not HOST:PORT" in result.stderr
    assert result.stdout == ""


def test_haproxy_config_for_two_machines_is_accepted_by_haproxy(tmp_path: Path) -> None:
    result = subprocess.run(
        [*STACK, "haproxy-config", "--bind", "10.0.1.10", *TWO_MACHINES],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    target = tmp_path / "haproxy.cfg"
    target.write_text(result.stdout, encoding="utf-8")
    checked = subprocess.run([haproxy_bin(), "-c", "-f", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "server rasa2 10.0.1.12:5005 check" in result.stdout
    assert "bind 10.0.1.10:5005" in result.stdout
    assert "stats socket" not in result.stdout  # no admin socket on a shared machine unless asked for


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("CLUSTER_INSTANCES", "0", "CLUSTER_INSTANCES='0' is not a number of instances (1-16)."),
        ("STACK_RESTART_DELAY", "soon", "STACK_RESTART_DELAY='soon' is not a number of seconds"),
        ("CLUSTER_REDIS_PORT", "abc", "CLUSTER_REDIS_PORT='abc' is not a port number"),
    ],
)
def test_a_bad_cluster_setting_stops_the_start_with_one_clear_line(
    setting: str, value: str, message: str
) -> None:
    env = {**os.environ, "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port())}
    env |= {"HANDOFF_PORT": str(free_port()), "CLUSTER_POSTGRES_PORT": str(free_port())}
    env |= {"CLUSTER_REDIS_PORT": str(free_port()), "CLUSTER_STATS_PORT": str(free_port()), setting: value}
    result = subprocess.run(
        [*STACK, "run", "--cluster"],
        cwd=paths.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Starting" not in result.stdout


def test_a_restarted_haproxy_is_told_again_which_servers_are_held(tmp_path: Path) -> None:
    layout = _layout(tmp_path)
    config = write_config(layout, tmp_path / "haproxy.cfg")
    admin = HAProxyAdmin(Path(layout.admin_socket or ""))
    for restart in range(2):
        haproxy = subprocess.Popen([haproxy_bin(), "-W", "-db", "-f", str(config)], stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while not Path(layout.admin_socket or "").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            if restart == 0:
                assert admin.hold("actions", "actions2")
            else:  # a restarted HAProxy forgot; the launcher tells it again once it answers its health check
                assert _states(layout, "actions")["actions2"] != "MAINT"
                assert admin.hold_again()
            assert _states(layout, "actions")["actions2"] == "MAINT"  # after the restart too
        finally:
            haproxy.terminate()
            haproxy.wait(timeout=10)
            Path(layout.admin_socket or "").unlink(missing_ok=True)
