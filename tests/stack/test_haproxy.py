"""HAProxy for the cluster profile: the rendered file is one HAProxy accepts, the operator's
`python -m stack haproxy-config` refuses a bad address with one clear line, and the runtime admin socket
takes a server out of rotation and puts it back (what the launcher does while an action server warms up)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from stack import paths
from stack.haproxy import Backend, HAProxyAdmin, HAProxyLayout, haproxy_bin, write_config
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
