"""The cluster profile: PostgreSQL, Redis, N Rasa servers, N action servers, N handoff processes, HAProxy.

The same code as the single-box profile (stack/services.py builds each server); only the environment
differs: every server is told HAProxy's entry points as the others' URLs, and where PostgreSQL and Redis are
(stack/cluster_env.py). Every child, the databases and HAProxy included, is supervised (stack/supervisor.py).
"""

from __future__ import annotations

import concurrent.futures
import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from stack.cluster_env import DATABASES, cluster_env
from stack.engine_services import postgres_service, redis_service
from stack.engines import PostgresServer, RedisServer
from stack.haproxy import Backend, HAProxyAdmin, HAProxyLayout, haproxy_service, write_config
from stack.ports import free_port
from stack.process import ServiceProcess
from stack.services import HOST, Stack, StackConfig, action_service, handoff_service, rasa_service
from stack.supervisor import RestartPolicy, Supervisor
from stack.warmup import warm_up_action_server

ENGINE_START_TIMEOUT = 60.0


@dataclass(frozen=True)
class ClusterConfig:
    """`entry` holds HAProxy's entry points (what customers, agents and the servers themselves use)."""

    entry: StackConfig
    workdir: Path
    postgres_port: int
    redis_port: int
    stats_port: int
    postgres_password: str
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    handoff_ports: tuple[int, ...]

    @property
    def instances(self) -> int:
        return len(self.rasa_ports)

    @property
    def stats_url(self) -> str:
        return f"http://{HOST}:{self.stats_port}/stats"

    def postgres(self) -> PostgresServer:
        return PostgresServer(
            port=self.postgres_port,
            data_dir=self.workdir / "postgres" / "data",
            password=self.postgres_password,
            log_file=self.workdir / "postgres" / "postgres.log",
        )

    def redis(self) -> RedisServer:
        return RedisServer(port=self.redis_port, data_dir=self.workdir / "redis")

    def haproxy_layout(self) -> HAProxyLayout:
        def backends(kind: str, ports: tuple[int, ...]) -> tuple[Backend, ...]:
            return tuple(Backend(f"{kind}{n}", f"{HOST}:{port}") for n, port in enumerate(ports, start=1))

        return HAProxyLayout(
            rasa_port=self.entry.rasa_port,
            handoff_port=self.entry.handoff_port,
            action_port=self.entry.action_port,
            stats_port=self.stats_port,
            rasa=backends("rasa", self.rasa_ports),
            handoff=backends("handoff", self.handoff_ports),
            actions=backends("actions", self.action_ports),
            admin_socket=str(self.admin_socket),
        )

    @property
    def admin_socket(self) -> Path:
        return self.workdir / "haproxy.sock"


def cluster_config(
    base: StackConfig,
    workdir: Path,
    *,
    postgres_port: int,
    redis_port: int,
    stats_port: int,
    postgres_password: str,
    instances: int = 2,
) -> ClusterConfig:
    """A cluster whose entry points are `base`'s ports (HAProxy listens there); instances on free ports."""
    if instances < 1:
        raise ValueError(f"a cluster needs at least one instance of each server, not {instances}")
    postgres = PostgresServer(
        port=postgres_port, data_dir=workdir / "postgres" / "data", password=postgres_password
    )
    env = cluster_env(
        postgres_urls={name: postgres.url(name) for name in DATABASES},
        redis_url=RedisServer(port=redis_port).url,
    )
    entry = replace(
        base,
        log_dir=workdir / "logs",
        tracker_db=workdir / "rasa_tracker.db",  # SQLite paths stay set, unused: the URLs above win
        handoff_db=workdir / "handoff.db",
        extra_env={**base.extra_env, **env},
    )
    return ClusterConfig(
        entry=entry,
        workdir=workdir,
        postgres_port=postgres_port,
        redis_port=redis_port,
        stats_port=stats_port,
        postgres_password=postgres_password,
        rasa_ports=tuple(free_port() for _ in range(instances)),
        action_ports=tuple(free_port() for _ in range(instances)),
        handoff_ports=tuple(free_port() for _ in range(instances)),
    )


def _engines(config: ClusterConfig) -> tuple[PostgresServer, list[ServiceProcess]]:
    logs = config.entry.log_dir
    postgres = config.postgres()
    return postgres, [
        postgres_service(postgres, logs / "postgres.log"),
        redis_service(config.redis(), logs / "redis.log"),
    ]


def _held_until_ready(
    service: ServiceProcess,
    admin: HAProxyAdmin,
    slots: list[tuple[str, str]],
    warm_up: Callable[[], object] | None = None,
) -> ServiceProcess:
    """A crashed server gets no customers from HAProxy again until it is healthy (and warmed up).

    Without this, a restarted Rasa binds its port seconds before its model is loaded: HAProxy's next
    connection to it succeeds, and the customer's message waits on a server that is not serving yet or is
    cut off (a 502), though the other instance was ready. A cold action server would make the first KB
    question outlast Rasa's action timeout. Held from the moment the supervisor notices the crash, before
    the new process exists."""

    def release() -> None:
        if warm_up is not None:
            warm_up()  # a failed warm-up only costs speed: the server goes back in anyway
        for backend, server in slots:
            admin.release(backend, server)

    service.when_stopped = lambda: [admin.hold(backend, server) for backend, server in slots]
    service.after_restart = release
    return service


def _servers(config: ClusterConfig) -> list[ServiceProcess]:
    entry = config.entry
    layout = config.haproxy_layout()
    haproxy_file = write_config(layout, config.workdir / "haproxy.cfg")
    admin = HAProxyAdmin(config.admin_socket)
    actions = [
        _held_until_ready(
            action_service(entry, port=port, instance=n),
            admin,
            [("actions", f"actions{n}")],
            functools.partial(warm_up_action_server, f"http://{HOST}:{port}"),
        )
        for n, port in enumerate(config.action_ports, 1)
    ]
    rasa = [
        _held_until_ready(
            rasa_service(entry, port=port, instance=n),
            admin,
            [("rasa_rest", f"rasa{n}"), ("rasa_socketio", f"rasa{n}")],
        )
        for n, port in enumerate(config.rasa_ports, 1)
    ]
    haproxy = haproxy_service(layout, haproxy_file, entry.log_dir / "haproxy.log")
    haproxy.after_restart = admin.hold_again  # a restarted HAProxy would send customers to a cold server
    return [
        haproxy,
        *(
            _held_until_ready(
                handoff_service(entry, port=port, instance=n), admin, [("handoff", f"handoff{n}")]
            )
            for n, port in enumerate(config.handoff_ports, 1)
        ),
        *actions,
        *rasa,
    ]


def start_cluster(config: ClusterConfig, restart_policy: RestartPolicy | None = None) -> Stack:
    """Start the databases, then every server at once (they load in parallel); wait until each is healthy,
    warm each action server up, then supervise all of them. Returns a Stack whose URLs are HAProxy's."""
    entry = config.entry
    entry.log_dir.mkdir(parents=True, exist_ok=True)
    postgres, engines = _engines(config)
    stack = Stack(config=entry, services=list(engines))
    try:
        for service in engines:
            service.start()
        for service in engines:
            service.wait_healthy(ENGINE_START_TIMEOUT)
        for name in DATABASES:
            postgres.create_database(name)
        servers = _servers(config)
        stack.services.extend(servers)
        for service in servers:
            service.start()
        for service in servers:
            service.wait_healthy(entry.start_timeout)
        action_urls = [f"http://{HOST}:{port}" for port in config.action_ports]
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(action_urls)) as pool:
            list(pool.map(warm_up_action_server, action_urls))
        stack.supervisor = Supervisor(
            stack.services, policy=restart_policy or RestartPolicy(), health_timeout=entry.start_timeout
        )
        stack.supervisor.start()
    except BaseException:
        stack.stop()
        raise
    return stack
