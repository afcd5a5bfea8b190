"""PostgreSQL and Redis as supervised children of the cluster profile, like the assistant's own servers.

Both run in the foreground under stack/supervisor.py, so a crashed database server is restarted on the same
data (PostgreSQL replays its write-ahead log, Redis its append-only file) with the same backoff and log line
as a crashed Rasa.
"""

from __future__ import annotations

import signal
from pathlib import Path

from stack import paths
from stack.engines import PostgresServer, RedisServer
from stack.process import ServiceProcess


def postgres_service(server: PostgresServer, log_file: Path) -> ServiceProcess:
    return ServiceProcess(
        name="PostgreSQL",
        command=server.server_command(),
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"},
        cwd=paths.REPO_ROOT,
        log_file=log_file,
        health_check=server.is_ready,
        stop_signal=signal.SIGINT,  # fast shutdown: SIGTERM would wait for every client to leave
    )


def redis_service(server: RedisServer, log_file: Path) -> ServiceProcess:
    return ServiceProcess(
        name="Redis",
        command=server.server_command(),
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        cwd=paths.REPO_ROOT,
        log_file=log_file,
        health_check=server.is_ready,
    )
