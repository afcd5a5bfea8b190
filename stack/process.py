"""One child server process: start in its own process group, wait until healthy, stop cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class ServiceStartError(RuntimeError):
    """A server exited or did not become healthy in time."""


def end_process_group(
    process: subprocess.Popen[bytes] | None,
    stop_signal: signal.Signals = signal.SIGTERM,
    timeout: float = 10.0,
) -> None:
    """Send `stop_signal` to a child started in a session of its own (to its whole process group) and wait
    for it; SIGKILL the group if it has not exited within `timeout`. Nothing for a child that is not running."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, stop_signal)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


@dataclass
class ServiceProcess:
    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    log_file: Path
    health_url: str = ""
    health_headers: dict[str, str] = field(default_factory=dict)
    # For a server that speaks no HTTP (PostgreSQL, Redis): its own readiness probe instead of health_url.
    health_check: Callable[[], bool] | None = None
    # What asks the server to stop (PostgreSQL's fast shutdown is SIGINT; SIGTERM waits for every client).
    stop_signal: signal.Signals = signal.SIGTERM
    # Run once the server is healthy again after a restart (e.g. warm the knowledge base up).
    after_restart: Callable[[], object] | None = None
    # Run as soon as the supervisor notices the server stopped (e.g. keep HAProxy from sending it customers
    # until `after_restart` has warmed it up again).
    when_stopped: Callable[[], object] | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self, *, append_log: bool = False) -> None:
        """Start the server; a restart appends to the log so the reason for the crash stays readable."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_file.open("ab" if append_log else "wb")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: Ctrl-C handling stays with the launcher
        )
        log.close()

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServiceStartError(
                    f"{self.name} exited with code {self.process.returncode}; log: {self.log_file}\n{self.log_tail()}"
                )
            if self.is_healthy():
                return
            time.sleep(0.5)
        raise ServiceStartError(f"{self.name} was not ready after {timeout:.0f} s; log: {self.log_file}")

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def is_healthy(self) -> bool:
        if self.health_check is not None:
            return self.health_check()
        try:
            return httpx.get(self.health_url, headers=self.health_headers, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        end_process_group(self.process, self.stop_signal, timeout)

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
