"""The three servers of the assistant, wired together; used by `make run` and by the test fixtures."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from stack import paths
from stack.channels import credentials_file
from stack.client import AssistantClient
from stack.ports import free_port
from stack.prepare import ensure_handouts, ensure_kb_index, ensure_model, ensure_onnx_model, offline_env
from stack.process import ServiceProcess
from stack.secrets import Secrets, fresh_secrets
from stack.supervisor import RestartPolicy, Supervisor
from stack.warmup import warm_up_action_server

HOST = "127.0.0.1"


@dataclass(frozen=True)
class StackConfig:
    model_path: Path
    kb_index_dir: Path
    tracker_db: Path
    handoff_db: Path
    log_dir: Path
    secrets: Secrets
    rasa_port: int = 5005
    action_port: int = 5055
    handoff_port: int = 8300
    start_timeout: float = 240.0
    extra_env: dict[str, str] = field(default_factory=dict)
    # Where the three entry points are (this machine; HAProxy's address when the servers are spread out).
    host: str = HOST

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def handoff_url(self) -> str:
        return f"http://{self.host}:{self.handoff_port}"


def isolated_config(workdir: Path, extra_env: dict[str, str] | None = None) -> StackConfig:
    """A stack of its own for tests and benchmarks: free ports, fresh secrets, and its own databases, KB index
    and logs under `workdir`. Builds what is missing; the Rasa model is shared through its fingerprint cache."""
    ensure_onnx_model()
    ensure_handouts()
    return StackConfig(
        model_path=ensure_model(),
        kb_index_dir=ensure_kb_index(workdir / "kb_index"),
        tracker_db=workdir / "rasa_tracker.db",
        handoff_db=workdir / "handoff.db",
        log_dir=workdir / "logs",
        secrets=fresh_secrets(),
        rasa_port=free_port(),
        action_port=free_port(),
        handoff_port=free_port(),
        extra_env=dict(extra_env or {}),
    )


def shared_env(config: StackConfig) -> dict[str, str]:
    """What every server of the assistant is told: where the others are (the entry points) and the tokens.
    Each server's own settings follow, then `config.extra_env`, which wins (the cluster's database URLs)."""
    secrets = config.secrets
    return {
        "RASA_URL": config.rasa_url,
        "RASA_AUTH_TOKEN": secrets.rasa_auth_token,
        "HANDOFF_URL": config.handoff_url,
        "HANDOFF_API_TOKEN": secrets.handoff_api_token,
        "KB_INDEX_DIR": str(config.kb_index_dir),
        "HELP_CENTER_URL": f"{config.handoff_url}/help",
    }


def _numbered(name: str, instance: int | None) -> str:
    """`name`, or `name N` for instance N of several (the cluster profile); logs use the same number."""
    return name if instance is None else f"{name} {instance}"


def _suffix(instance: int | None) -> str:
    return "" if instance is None else str(instance)


def handoff_service(
    config: StackConfig, *, port: int, instance: int | None = None, host: str = HOST
) -> ServiceProcess:
    """One handoff process listening on `port` (the entry point itself, or one instance behind HAProxy)."""
    return ServiceProcess(
        name=_numbered("handoff service", instance),
        command=[str(paths.APP_PYTHON), "-m", "handoff"],
        env=offline_env(
            {
                **shared_env(config),
                "HANDOFF_HOST": host,
                "HANDOFF_PORT": str(port),
                "HANDOFF_DB": str(config.handoff_db),
                # Customers' files next to the DB file, also in the cluster profile (where the tickets are
                # in PostgreSQL): every handoff instance of the stack shares the folder.
                "HANDOFF_ATTACHMENTS_DIR": str(config.handoff_db.parent / "attachments"),
                # Erasure and retention reach into Rasa's tracker store too.
                "HANDOFF_TRACKER_DB": str(config.tracker_db),
                "HANDOFF_HANDOUTS_DIR": str(paths.HANDOUTS_DIR),
                "HANDOFF_SESSION_SECRET": config.secrets.handoff_session_secret,
                **config.extra_env,
            }
        ),
        cwd=paths.REPO_ROOT,
        log_file=config.log_dir / f"handoff{_suffix(instance)}.log",
        health_url=f"http://{host}:{port}/health",
    )


def action_service(
    config: StackConfig, *, port: int, instance: int | None = None, host: str = HOST
) -> ServiceProcess:
    """One action server on `port`; each keeps its own outbox of handoff requests waiting for the service."""
    action_url = f"http://{host}:{port}"
    outbox = config.handoff_db.with_name(f"handoff_outbox{_suffix(instance)}.json")
    return ServiceProcess(
        name=_numbered("action server", instance),
        command=[str(paths.APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        env=offline_env(
            {
                **shared_env(config),
                # Handoff requests kept while the handoff service is down (actions/handoff_outbox.py).
                "HANDOFF_OUTBOX": str(outbox),
                "SANIC_HOST": host,
                **config.extra_env,
            }
        ),
        cwd=paths.REPO_ROOT,
        log_file=config.log_dir / f"actions{_suffix(instance)}.log",
        health_url=f"{action_url}/health",
        after_restart=lambda: warm_up_action_server(action_url),
    )


def rasa_service(
    config: StackConfig, *, port: int, instance: int | None = None, host: str = HOST
) -> ServiceProcess:
    """One Rasa server on `port`, on the model file of `config` (every instance on the same file)."""
    secrets = config.secrets
    return ServiceProcess(
        name=_numbered("Rasa server", instance),
        command=[
            str(paths.RASA_BIN),
            "run",
            "--model",
            str(config.model_path),
            "--enable-api",
            # One argument: a token may start with "-", which argparse would read as an option.
            f"--auth-token={secrets.rasa_auth_token}",
            "--interface",
            host,
            "--port",
            str(port),
            "--endpoints",
            str(paths.ENDPOINTS_FILE),
            "--credentials",
            str(credentials_file(config.log_dir.parent, config.extra_env)),
            "--cors",
            config.handoff_url,
        ],
        env=offline_env(
            {
                **shared_env(config),
                "ACTION_ENDPOINT_URL": f"{config.action_url}/webhook",
                "TRACKER_DB": str(config.tracker_db),
                **config.extra_env,
            }
        ),
        cwd=paths.REPO_ROOT,
        log_file=config.log_dir / f"rasa{_suffix(instance)}.log",
        health_url=f"http://{host}:{port}/status?token={secrets.rasa_auth_token}",
    )


def build_services(config: StackConfig) -> list[ServiceProcess]:
    return [
        handoff_service(config, port=config.handoff_port),
        action_service(config, port=config.action_port),
        rasa_service(config, port=config.rasa_port),
    ]


@dataclass
class Stack(AssistantClient):
    """Running servers, and the client helpers (stack/client.py) for talking to them."""

    config: StackConfig
    services: list[ServiceProcess]
    supervisor: Supervisor | None = None

    @property
    def rasa_url(self) -> str:
        return self.config.rasa_url

    @property
    def action_url(self) -> str:
        return self.config.action_url

    @property
    def handoff_url(self) -> str:
        return self.config.handoff_url

    @property
    def rasa_token(self) -> str:
        return self.config.secrets.rasa_auth_token

    @property
    def handoff_token(self) -> str:
        return self.config.secrets.handoff_api_token

    def create_agent(
        self, username: str, password: str, *, name: str | None = None, role: str = "agent"
    ) -> None:
        """Create an agent account in this stack's handoff DB through the real `python -m handoff users` CLI."""
        env = {
            **os.environ,
            **self.config.extra_env,  # the cluster profile's HANDOFF_DATABASE_URL
            "HANDOFF_DB": str(self.config.handoff_db),
            "AGENT_PASSWORD": password,
        }
        command = [str(paths.APP_PYTHON), "-m", "handoff", "users", "create", username, "--role", role]
        command += ["--name", name or username, "--password-env", "AGENT_PASSWORD"]
        done = subprocess.run(
            command, cwd=paths.REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise RuntimeError(f"creating agent {username!r} failed: {done.stderr.strip()}")

    def service(self, name: str) -> ServiceProcess:
        return next(service for service in self.services if service.name == name)

    def stop(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()
        for service in reversed(self.services):
            service.stop()


def start_stack(config: StackConfig, restart_policy: RestartPolicy | None = None) -> Stack:
    """Start all servers at once (they load in parallel), wait until each is healthy, then keep them running:
    a child that dies is restarted (see stack.supervisor)."""
    config.log_dir.mkdir(parents=True, exist_ok=True)
    services = build_services(config)
    stack = Stack(config=config, services=services)
    try:
        for service in services:
            service.start()
        for service in services:
            service.wait_healthy(config.start_timeout)
        warm_up_action_server(config.action_url)
        stack.supervisor = Supervisor(
            services, policy=restart_policy or RestartPolicy(), health_timeout=config.start_timeout
        )
        stack.supervisor.start()
    except BaseException:
        stack.stop()
        raise
    return stack


@contextmanager
def running_stack(config: StackConfig) -> Iterator[Stack]:
    stack = start_stack(config)
    try:
        yield stack
    finally:
        stack.stop()
