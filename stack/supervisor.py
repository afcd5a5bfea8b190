"""Keep the assistant's servers running: restart a child that dies, with backoff, one log line per restart.

One crashed server must not stop the whole assistant (customers of the other parts keep being served, and the
crashed part is back in seconds). A child that keeps dying right after it starts is broken, not unlucky:
after a few quick deaths in a row the supervisor gives up and says so, instead of restarting it forever.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from stack.process import ServiceProcess

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestartPolicy:
    """Exponential backoff between restarts, reset once a child has stayed up for `stable_after` seconds."""

    first_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 30.0
    stable_after: float = 60.0
    max_quick_deaths: int = 5

    def delay(self, quick_deaths: int) -> float:
        """Seconds to wait before the restart that follows the `quick_deaths`-th death in a row (1-based)."""
        return min(self.first_delay * self.factor ** max(quick_deaths - 1, 0), self.max_delay)

    def gives_up(self, quick_deaths: int) -> bool:
        return quick_deaths > self.max_quick_deaths


@dataclass
class ChildRecord:
    """What the supervisor remembers about one child between polls."""

    started_at: float
    quick_deaths: int = 0
    restarts: int = 0
    restart_at: float | None = None

    def record_death(self, now: float, policy: RestartPolicy) -> float | None:
        """Note a death; return when to restart, or None when the policy gives up."""
        uptime = now - self.started_at
        self.quick_deaths = 1 if uptime >= policy.stable_after else self.quick_deaths + 1
        if policy.gives_up(self.quick_deaths):
            return None
        self.restart_at = now + policy.delay(self.quick_deaths)
        return self.restart_at


class ChildKeepsDying(RuntimeError):
    """A child died too often right after starting; restarting it again would not help."""


@dataclass
class Supervisor:
    """Polls the children from a background thread and restarts the ones that died."""

    services: list[ServiceProcess]
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    poll_seconds: float = 0.5
    health_timeout: float = 240.0
    clock: Callable[[], float] = time.monotonic
    failure: ChildKeepsDying | None = None
    records: dict[str, ChildRecord] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        now = self.clock()
        self.records = {service.name: ChildRecord(started_at=now) for service in self.services}
        self._thread = threading.Thread(target=self._run, name="stack-supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (before the children are stopped, so a stop is never mistaken for a crash)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.check()
            except ChildKeepsDying as error:
                self.failure = error  # reported by whoever runs the stack (make run prints it and stops)
                return

    def check(self) -> None:
        """One poll: note new deaths, restart the children whose backoff is over."""
        now = self.clock()
        for service in self.services:
            record = self.records[service.name]
            if record.restart_at is None and not service.is_running():
                self._note_death(service, record, now)
            elif record.restart_at is not None and now >= record.restart_at and not self._stop.is_set():
                self._restart(service, record, now)

    def _note_death(self, service: ServiceProcess, record: ChildRecord, now: float) -> None:
        restart_at = record.record_death(now, self.policy)
        if restart_at is None:
            raise ChildKeepsDying(
                f"The {service.name} stopped {record.quick_deaths} times in a row within "
                f"{self.policy.stable_after:.0f} s of starting, so it is not restarted again. "
                f"Last exit code {service.exit_code()}; log: {service.log_file}\n{service.log_tail()}"
            )
        logger.warning(
            "The %s stopped (exit code %s); restarting it in %.0f s (restart %d). Log: %s",
            service.name,
            service.exit_code(),
            restart_at - now,
            record.restarts + 1,
            service.log_file,
        )
        if service.when_stopped is not None:
            try:
                service.when_stopped()
            except Exception:  # a hook must never stop the supervisor from restarting the server
                logger.exception("Preparing the restart of the %s failed", service.name)

    def _restart(self, service: ServiceProcess, record: ChildRecord, now: float) -> None:
        record.restart_at = None
        record.restarts += 1
        record.started_at = now
        service.start(append_log=True)
        if service.after_restart is not None:
            threading.Thread(
                target=self._after_healthy, args=(service,), name=f"after-restart-{service.name}", daemon=True
            ).start()

    def _after_healthy(self, service: ServiceProcess) -> None:
        deadline = time.monotonic() + self.health_timeout
        while time.monotonic() < deadline and not self._stop.is_set() and service.is_running():
            if service.is_healthy():
                if service.after_restart is not None:
                    service.after_restart()
                return
            time.sleep(0.5)
