"""PostgreSQL and Redis servers of the project's own, from Debian's packages: data in a folder we choose,
listening on 127.0.0.1 only, started and stopped (or killed, or restarted on the same data) by the launcher
and by the tests. Never the machine's system-wide services."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from stack.debian import ensure_packages, postgres_bin
from stack.process import end_process_group

HOST = "127.0.0.1"
PACKAGES = {
    "initdb": "postgresql",
    "pg_ctl": "postgresql",
    "psql": "postgresql-client",
    "redis-server": "redis-server",
}


class EngineError(RuntimeError):
    """A database server could not be set up or did not come up."""


def _wait_for_port(port: int, timeout: float, name: str, host: str = HOST) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise EngineError(f"{name} did not listen on {host}:{port} within {timeout:.0f} s")


@dataclass
class PostgresServer:
    """One PostgreSQL cluster. PostgreSQL refuses to run as root, so as root it runs as Debian's `postgres`
    user and its data folder is created in a private folder that user owns."""

    port: int
    data_dir: Path | None = None
    password: str = "assistant"
    user: str = "assistant"
    log_file: Path | None = None
    # The address it listens on, and a network (CIDR) whose hosts may log in with the password besides it.
    host: str = HOST
    client_network: str | None = None
    _run_as: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        ensure_packages({k: v for k, v in PACKAGES.items() if k != "redis-server"})
        if os.geteuid() == 0:
            self._run_as = ["runuser", "-u", "postgres", "--"]
        if self.data_dir is None:
            # /tmp is world-traversable; a pytest tmp_path (mode 0700, owned by root) is not.
            self.data_dir = Path(tempfile.mkdtemp(prefix="assistant-pg-")) / "data"
        if self.log_file is None:
            self.log_file = self.data_dir.parent / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    def _chown(self, path: Path) -> None:
        if self._run_as:
            pw = pwd.getpwnam("postgres")
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def _initdb(self) -> None:
        assert self.data_dir is not None
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._chown(self.data_dir.parent)
        pwfile = self.data_dir.parent / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        self._chown(pwfile)
        result = subprocess.run(
            [
                *self._run_as,
                str(postgres_bin("initdb")),
                "-D",
                str(self.data_dir),
                "-U",
                self.user,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            capture_output=True,
            text=True,
        )
        pwfile.unlink()
        if result.returncode != 0:
            raise EngineError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")
        if self.client_network is not None:  # initdb lets in this machine only
            with (self.data_dir / "pg_hba.conf").open("a", encoding="utf-8") as hba:
                hba.write(f"host all all {self.client_network} scram-sha-256\n")

    def prepare(self) -> None:
        """Create the data folder on first use; later starts reuse it (crash recovery replays the WAL)."""
        assert self.data_dir is not None and self.log_file is not None
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        if self.log_file.exists():
            self._chown(self.log_file)

    def _settings(self) -> list[str]:
        assert self.data_dir is not None
        settings = [
            f"listen_addresses={self.host}",
            f"port={self.port}",
            f"unix_socket_directories={self.data_dir.parent}",
        ]
        return [*settings, "max_connections=200", "fsync=on"]

    def server_command(self) -> list[str]:
        """`postgres` in the foreground, for a supervisor that restarts it (stack/engine_services.py)."""
        self.prepare()
        assert self.data_dir is not None
        options = [arg for setting in self._settings() for arg in ("-c", setting)]
        return [*self._run_as, str(postgres_bin("postgres")), "-D", str(self.data_dir), *options]

    def is_ready(self) -> bool:
        """Accepting connections (not just listening: crash recovery refuses them until it is done)."""
        ready = subprocess.run(
            [str(postgres_bin("pg_isready")), "-q", "-h", self.host, "-p", str(self.port), "-t", "2"],
            capture_output=True,
        )
        return ready.returncode == 0

    def start(self, timeout: float = 30.0) -> None:
        assert self.data_dir is not None and self.log_file is not None
        self.prepare()
        options = " ".join(f"-c {setting}" for setting in self._settings())
        result = subprocess.run(
            [
                *self._run_as,
                str(postgres_bin("pg_ctl")),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                options,
                "-w",
                "-t",
                str(int(timeout)),
                "start",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise EngineError(f"PostgreSQL did not start: {result.stderr.strip()}\n{self.log_tail()}")
        _wait_for_port(self.port, timeout, "PostgreSQL", self.host)

    def stop(self, mode: str = "fast") -> None:
        assert self.data_dir is not None
        if not (self.data_dir / "postmaster.pid").exists():
            return
        subprocess.run(
            [*self._run_as, str(postgres_bin("pg_ctl")), "-D", str(self.data_dir), "-m", mode, "-w", "stop"],
            capture_output=True,
            text=True,
        )

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash, not a shutdown); its children exit on their own."""
        assert self.data_dir is not None
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # not our child (pg_ctl daemonised it): poll until it is gone
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def create_database(self, name: str) -> str:
        """Create a database (if missing) and return its URL."""
        env = {**os.environ, "PGPASSWORD": self.password}
        psql = [
            str(shutil.which("psql")),
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            "postgres",
        ]
        exists = subprocess.run(
            [*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            capture_output=True,
            text=True,
            env=env,
        )
        if exists.returncode != 0:
            raise EngineError(f"psql failed: {exists.stderr.strip()}")
        if exists.stdout.strip() != "1":
            created = subprocess.run(
                [*psql, "-c", f'CREATE DATABASE "{name}"'],
                capture_output=True,
                text=True,
                env=env,
            )
            if created.returncode != 0:
                raise EngineError(f"CREATE DATABASE {name} failed: {created.stderr.strip()}")
        return self.url(name)

    def remove(self) -> None:
        self.stop("immediate")
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        if self.log_file is None or not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@dataclass
class RedisServer:
    """One Redis server, in memory only unless `data_dir` is given (then append-only file there)."""

    port: int
    data_dir: Path | None = None
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    # The address it listens on; a password is needed by clients from other machines.
    host: str = HOST
    password: str | None = None

    def __post_init__(self) -> None:
        ensure_packages({"redis-server": "redis-server"})

    @property
    def url(self) -> str:
        credentials = f":{self.password}@" if self.password else ""
        return f"redis://{credentials}{self.host}:{self.port}/0"

    def server_command(self) -> list[str]:
        """`redis-server` in the foreground; with `data_dir`, every write is in its append-only file."""
        command = [str(shutil.which("redis-server")), "--bind", self.host, "--port", str(self.port)]
        command += ["--protected-mode", "yes", "--save", ""]
        if self.password:
            command += ["--requirepass", self.password]
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            command += ["--dir", str(self.data_dir), "--appendonly", "yes"]
        else:
            command += ["--appendonly", "no"]
        return command

    def is_ready(self) -> bool:
        """Answers PING (a loaded append-only file: it answers LOADING until then)."""
        try:
            with socket.create_connection((self.host, self.port), timeout=2.0) as connection:
                if self.password:
                    connection.sendall(f"AUTH {self.password}\r\n".encode())
                    if not connection.recv(64).startswith(b"+OK"):
                        return False
                connection.sendall(b"PING\r\n")
                return connection.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def start(self, timeout: float = 15.0) -> None:
        command = self.server_command()
        log = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        if self.log_file:
            log.close()  # type: ignore[union-attr]
        _wait_for_port(self.port, timeout, "Redis", self.host)

    def stop(self) -> None:
        end_process_group(self.process)

    def kill(self) -> None:
        """SIGKILL the server (a crash, not a shutdown)."""
        end_process_group(self.process, signal.SIGKILL)
