"""HAProxy in front of the cluster: its configuration (stack/haproxy.cfg.j2) and the supervised process."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from stack import paths
from stack.debian import ensure_packages
from stack.process import ServiceProcess

TEMPLATE = Path(__file__).with_name("haproxy.cfg.j2")

logger = logging.getLogger(__name__)


class HAProxyConfigError(RuntimeError):
    """The rendered configuration was refused by `haproxy -c`."""


@dataclass(frozen=True)
class Backend:
    name: str
    address: str  # host:port


@dataclass(frozen=True)
class HAProxyLayout:
    """What HAProxy listens on and the instances behind each entry point."""

    rasa_port: int
    handoff_port: int
    action_port: int
    stats_port: int
    rasa: tuple[Backend, ...]
    handoff: tuple[Backend, ...]
    actions: tuple[Backend, ...]
    bind_host: str = "127.0.0.1"
    check_interval_ms: int = 2000
    # Requests in progress on one instance at a time; more wait in HAProxy's queue (`timeout queue`).
    rasa_maxconn: int = 16  # REST and Rasa's API, per Rasa instance (one event loop)
    socketio_maxconn: int = 1000  # open website chats per Rasa instance (one connection each)
    handoff_maxconn: int = 500  # API calls and agent consoles' websockets per handoff process
    actions_maxconn: int = 16  # action calls per action server (one event loop)
    pidfile: str | None = None
    admin_socket: str | None = None


def render(layout: HAProxyLayout) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # an HAProxy file, not HTML
    )
    return environment.get_template(TEMPLATE.name).render(**vars(layout))


def haproxy_bin() -> str:
    ensure_packages({"haproxy": "haproxy"})
    found = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return found


def write_config(layout: HAProxyLayout, target: Path) -> Path:
    """Render the configuration to `target` and have HAProxy check it, so a mistake is one clear error."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(layout), encoding="utf-8")
    checked = subprocess.run([haproxy_bin(), "-c", "-q", "-f", str(target)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise HAProxyConfigError(
            f"HAProxy refused {target}: {checked.stderr.strip() or checked.stdout.strip()}"
        )
    return target


def haproxy_service(layout: HAProxyLayout, config_file: Path, log_file: Path) -> ServiceProcess:
    """HAProxy in the foreground (-db) as one supervised child; -W keeps a master that survives reloads."""
    return ServiceProcess(
        name="HAProxy",
        command=[haproxy_bin(), "-W", "-db", "-f", str(config_file)],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        cwd=paths.REPO_ROOT,
        log_file=log_file,
        health_url=f"http://{layout.bind_host}:{layout.stats_port}/health",
    )


@dataclass
class HAProxyAdmin:
    """HAProxy's runtime API on its admin socket: take one server out of rotation and put it back. A
    restarted HAProxy forgets; `hold_again` repeats the holds not yet released."""

    socket_path: Path
    held: set[tuple[str, str]] = field(default_factory=set)

    def _command(self, line: str) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(5.0)
                connection.connect(str(self.socket_path))
                connection.sendall(line.encode() + b"\n")
                answer = connection.recv(4096).decode(errors="replace").strip()
        except OSError as error:
            logger.warning("HAProxy did not take %r: %s", line, error)
            return False
        if answer:
            logger.warning("HAProxy answered %r to %r", answer, line)
            return False
        return True

    def hold(self, backend: str, server: str) -> bool:
        """No new requests for `server` (maintenance) until `release`, whatever its health checks say."""
        self.held.add((backend, server))
        return self._command(f"set server {backend}/{server} state maint")

    def release(self, backend: str, server: str) -> bool:
        self.held.discard((backend, server))
        return self._command(f"set server {backend}/{server} state ready")

    def hold_again(self) -> bool:
        return all([self._command(f"set server {b}/{s} state maint") for b, s in sorted(self.held)])
