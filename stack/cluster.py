"""The cluster profile: PostgreSQL, Redis, N Rasa servers, N action servers, N handoff processes, HAProxy.

The same code as the single-box profile (stack/services.py builds each server); only the environment
differs: every server is told HAProxy's entry points as the others' URLs, and where PostgreSQL and Redis are
(stack/cluster_env.py). Every child, the databases and HAProxy included, is supervised (stack/supervisor.py).
"""

from __future__ import annotations

import concurrent.futures
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


def _held_until_warm(service: ServiceProcess, admin: HAProxyAdmin, server: str, url: str) -> ServiceProcess:
    """A restarted action server gets customers only once its models are loaded: cold, the first KB
    question would outlast Rasa's action timeout and get the failure message, though the other instance
    was ready to answer it."""

    def warm_then_release() -> None:
        warm_up_action_server(url)  # a failed warm-up only costs speed: the server goes back in anyway
        admin.release("actions", server)

    service.when_stopped = lambda: admin.hold("actions", server)
    service.after_restart = warm_then_release
    return service


def _servers(config: ClusterConfig) -> list[ServiceProcess]:
    entry = config.entry
    layout = config.haproxy_layout()
    haproxy_file = write_config(layout, config.workdir / "haproxy.cfg")
    admin = HAProxyAdmin(config.admin_socket)
    actions = [
        _held_until_warm(
            action_service(entry, port=port, instance=n), admin, f"actions{n}", f"http://{HOST}:{port}"
        )
        for n, port in enumerate(config.action_ports, 1)
    ]
    haproxy = haproxy_service(layout, haproxy_file, entry.log_dir / "haproxy.log")
    haproxy.after_restart = admin.hold_again  # a restarted HAProxy would send customers to a cold server
    return [
        haproxy,
        *(handoff_service(entry, port=port, instance=n) for n, port in enumerate(config.handoff_ports, 1)),
        *actions,
        *(rasa_service(entry, port=port, instance=n) for n, port in enumerate(config.rasa_ports, 1)),
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
