"""Restart policy and supervisor: backoff between restarts, a fresh start after a stable run, giving up on a
child that keeps dying, and a real child process brought back after kill -9."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from stack.ports import free_port
from stack.process import ServiceProcess
from stack.supervisor import ChildKeepsDying, ChildRecord, RestartPolicy, Supervisor


def test_delays_double_up_to_the_cap() -> None:
    policy = RestartPolicy(first_delay=1.0, factor=2.0, max_delay=10.0)
    assert [policy.delay(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_a_stable_run_starts_the_backoff_over() -> None:
    policy = RestartPolicy(first_delay=1.0, stable_after=60.0, max_quick_deaths=3)
    record = ChildRecord(started_at=0.0)
    assert record.record_death(5.0, policy) == 5.0 + 1.0
    record.started_at = 6.0
    assert record.record_death(10.0, policy) == 10.0 + 2.0
    record.started_at = 12.0
    assert record.record_death(12.0 + 61.0, policy) == 12.0 + 61.0 + 1.0  # ran for a minute: not "quick"
    assert record.quick_deaths == 1


def test_gives_up_after_too_many_quick_deaths() -> None:
    policy = RestartPolicy(first_delay=1.0, stable_after=60.0, max_quick_deaths=2)
    record = ChildRecord(started_at=0.0)
    assert record.record_death(1.0, policy) is not None
    record.started_at = 2.0
    assert record.record_death(3.0, policy) is not None
    record.started_at = 5.0
    assert record.record_death(6.0, policy) is None


def _http_child(tmp_path: Path, name: str, script: str | None = None) -> ServiceProcess:
    port = free_port()
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "http.server", str(port)]
    command += [] if script else ["--bind", "127.0.0.1"]
    return ServiceProcess(
        name=name,
        command=command,
        env=dict(os.environ),
        cwd=tmp_path,
        log_file=tmp_path / f"{name}.log",
        health_url=f"http://127.0.0.1:{port}/",
    )


def test_a_killed_child_is_restarted_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    child = _http_child(tmp_path, "web server")
    child.start()
    child.wait_healthy(30)
    supervisor = Supervisor([child], policy=RestartPolicy(first_delay=0.2), poll_seconds=0.1)
    supervisor.start()
    try:
        first_pid = child.process.pid if child.process else 0
        with caplog.at_level(logging.WARNING, logger="stack.supervisor"):
            os.killpg(first_pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while (child.process is None or child.process.pid == first_pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            child.wait_healthy(30)
        assert child.process is not None and child.process.pid != first_pid
        restarts = [r.getMessage() for r in caplog.records if "restarting it" in r.getMessage()]
        assert len(restarts) == 1
        assert "The web server stopped (exit code -9)" in restarts[0]
    finally:
        supervisor.stop()
        child.stop()


def test_a_child_that_keeps_dying_is_given_up_with_a_clear_error(tmp_path: Path) -> None:
    child = _http_child(
        tmp_path, "broken server", script="print('cannot start: no config'); raise SystemExit(3)"
    )
    child.start()
    policy = RestartPolicy(first_delay=0.05, factor=1.0, max_quick_deaths=3)
    supervisor = Supervisor([child], policy=policy, poll_seconds=0.05)
    supervisor.start()
    try:
        deadline = time.monotonic() + 20
        while supervisor.failure is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert isinstance(supervisor.failure, ChildKeepsDying)
        message = str(supervisor.failure)
        assert "The broken server stopped 4 times in a row" in message
        assert "exit code 3" in message
        assert "cannot start: no config" in message
        assert supervisor.records["broken server"].restarts == 3
    finally:
        supervisor.stop()
        child.stop()


def test_the_stopped_hook_runs_before_the_restart_and_a_failing_hook_does_not_stop_it(tmp_path: Path) -> None:
    child = _http_child(tmp_path, "action server")
    events: list[str] = []

    def hook() -> None:
        events.append("stopped" if child.is_running() is False else "still running?")
        raise RuntimeError("HAProxy is restarting too")

    child.when_stopped = hook
    child.start()
    child.wait_healthy(30)
    supervisor = Supervisor([child], policy=RestartPolicy(first_delay=0.2), poll_seconds=0.1)
    supervisor.start()
    try:
        first_pid = child.process.pid if child.process else 0
        os.killpg(first_pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (child.process is None or child.process.pid == first_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        child.wait_healthy(30)
        assert events == ["stopped"]
        assert supervisor.failure is None
    finally:
        supervisor.stop()
        child.stop()
