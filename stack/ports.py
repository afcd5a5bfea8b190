"""Port checks: a clear one-line error beats a stack trace from three servers."""

from __future__ import annotations

import socket


class PortInUseError(RuntimeError):
    """A port the launcher needs is taken by another program."""


def ensure_port_free(port: int, owner: str, env_var: str, host: str = "127.0.0.1") -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise PortInUseError(
                f"Port {port} ({owner}) is already in use: stop the program using it or set {env_var} to another port."
            ) from None


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (good enough for tests on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
