"""`python -m stack run [--cluster]|prepare|train|warm-up|haproxy-config` — the commands behind `make run`
and `make run-cluster`, and the two an operator of several machines needs (docs/deploy.md)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from stack import paths
from stack.channels import webhook_urls
from stack.cluster import ClusterConfig, cluster_config, start_cluster
from stack.debian import MissingPackageError
from stack.engines import EngineError
from stack.haproxy import Backend, HAProxyConfigError, HAProxyLayout, render
from stack.ports import PortInUseError, ensure_port_free
from stack.prepare import PrepareError, ensure_handouts, ensure_kb_index, ensure_model, ensure_onnx_model
from stack.process import ServiceStartError
from stack.secrets import load_or_create_secrets, stored_secret
from stack.services import Stack, StackConfig, start_stack
from stack.supervisor import RestartPolicy
from stack.warmup import wait_then_warm_up

logger = logging.getLogger("stack")

PORT_SETTINGS = (
    ("RASA_PORT", 5005, "Rasa server"),
    ("ACTION_PORT", 5055, "action server"),
    ("HANDOFF_PORT", 8300, "handoff service"),
)
# The cluster profile's own; the three above are then HAProxy's entry points.
CLUSTER_PORT_SETTINGS = (
    ("CLUSTER_POSTGRES_PORT", 5433, "PostgreSQL"),
    ("CLUSTER_REDIS_PORT", 6380, "Redis"),
    ("CLUSTER_STATS_PORT", 8404, "HAProxy status page"),
)


class _Stop(Exception):
    """Raised from the signal handler to leave the wait loop."""


def _port(env_var: str, default: int) -> int:
    raw = os.environ.get(env_var, str(default))
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"error: {env_var}={raw!r} is not a port number (1-65535).")
    return int(raw)


def prepare() -> Path:
    print("• Checking the MiniLM ONNX export ...", flush=True)
    ensure_onnx_model()
    print("• Building the knowledge base index (only changed articles are re-embedded) ...", flush=True)
    ensure_kb_index(paths.VAR_DIR / "kb_index")
    ensure_handouts()
    print("• Checking the Rasa model (trains only if data, domain or config changed) ...", flush=True)
    model = ensure_model()
    print(f"  model: {model.relative_to(paths.REPO_ROOT)}", flush=True)
    return model


def _shown(path: Path) -> Path:
    """A path inside the repository relative to it (shorter), any other as it is."""
    return path.relative_to(paths.REPO_ROOT) if path.is_relative_to(paths.REPO_ROOT) else path


def print_urls(stack: Stack) -> None:
    config = stack.config
    print(
        "\nThe assistant is running. Press Ctrl-C to stop everything.\n"
        f"  Website chat demo:   {config.handoff_url}/demo\n"
        f"  Help articles:       {config.handoff_url}/help  (the bot's answers link here)\n"
        f"  Agent console:       {config.handoff_url}/console  "
        "(add an agent: .venv/bin/python -m handoff users create NAME)\n"
        f"  Chat over REST:      POST {config.rasa_url}/webhooks/rest/webhook  "
        '{"sender": "me", "message": "hi"}\n'
        f"  Website chat (socket.io): {config.rasa_url}/socket.io\n"
        f"  Rasa HTTP API:       {config.rasa_url}  (token: RASA_AUTH_TOKEN in var/secrets.json)\n"
        f"  Action server:       {config.action_url}/health\n"
        f"  Handoff service API: {config.handoff_url}/api  (metrics: {config.handoff_url}/metrics)\n"
        f"  Logs:                {_shown(config.log_dir)}/\n",
        flush=True,
    )
    for title, url in webhook_urls(config.rasa_url, config.extra_env):
        print(f"  {title + ' webhook:':<21}{url}", flush=True)


def _ports(settings: tuple[tuple[str, int, str], ...]) -> dict[str, int]:
    """Each port from its setting, checked free; PortInUseError names the setting to change."""
    ports = {}
    for env_var, default, owner in settings:
        ports[env_var] = _port(env_var, default)
        ensure_port_free(ports[env_var], owner, env_var)
    return ports


def _restart_delay() -> float:
    """Seconds before the first restart of a server that stopped (then 2x, 4x ... up to 30 s)."""
    raw = os.environ.get("STACK_RESTART_DELAY", "1")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 30:
        raise SystemExit(
            f"error: STACK_RESTART_DELAY={raw!r} is not a number of seconds (above 0, at most 30)."
        )
    return value


def _instances() -> int:
    raw = os.environ.get("CLUSTER_INSTANCES", "2")
    if not raw.isdigit() or not 1 <= int(raw) <= 16:
        raise SystemExit(f"error: CLUSTER_INSTANCES={raw!r} is not a number of instances (1-16).")
    return int(raw)


def print_cluster(cluster: ClusterConfig) -> None:
    print(
        f"  Cluster:             {cluster.instances} of each server behind HAProxy; "
        f"status page {cluster.stats_url}\n"
        f"  PostgreSQL, Redis:   127.0.0.1:{cluster.postgres_port}, 127.0.0.1:{cluster.redis_port}  "
        f"(data in {_shown(cluster.workdir)}/)\n"
        f"  Rasa instances:      {', '.join(str(port) for port in cluster.rasa_ports)}; "
        f"action servers {', '.join(str(port) for port in cluster.action_ports)}; "
        f"handoff {', '.join(str(port) for port in cluster.handoff_ports)}\n"
        "  Agent accounts:      the console's agents live in PostgreSQL here:\n"
        f"    HANDOFF_DATABASE_URL=postgresql://assistant:PASSWORD@127.0.0.1:{cluster.postgres_port}/handoff "
        ".venv/bin/python -m handoff users create NAME\n"
        f"    (PASSWORD: $CLUSTER_POSTGRES_PASSWORD if set, else in {_shown(cluster.workdir)}/secrets.json)\n",
        flush=True,
    )


def run(cluster_profile: bool = False) -> int:
    try:
        ports = _ports(PORT_SETTINGS)
        if cluster_profile:
            ports |= _ports(CLUSTER_PORT_SETTINGS)
    except PortInUseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    instances = _instances() if cluster_profile else 1
    _restart_delay()  # a bad value stops here, before anything is built or started

    secrets = load_or_create_secrets(paths.VAR_DIR / "secrets.json")
    try:
        model_path = prepare()
    except PrepareError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    config = StackConfig(
        model_path=model_path,
        kb_index_dir=paths.VAR_DIR / "kb_index",
        tracker_db=paths.VAR_DIR / "rasa_tracker.db",
        handoff_db=paths.VAR_DIR / "handoff.db",
        log_dir=paths.LOG_DIR,
        secrets=secrets,
        rasa_port=ports["RASA_PORT"],
        action_port=ports["ACTION_PORT"],
        handoff_port=ports["HANDOFF_PORT"],
    )
    cluster: ClusterConfig | None = None
    if cluster_profile:
        workdir = Path(os.environ.get("CLUSTER_DATA_DIR") or paths.VAR_DIR / "cluster").resolve()
        try:
            cluster = cluster_config(
                config,
                workdir,
                postgres_port=ports["CLUSTER_POSTGRES_PORT"],
                redis_port=ports["CLUSTER_REDIS_PORT"],
                stats_port=ports["CLUSTER_STATS_PORT"],
                postgres_password=stored_secret(workdir / "secrets.json", "CLUSTER_POSTGRES_PASSWORD"),
                instances=instances,
            )
        except MissingPackageError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # A second Ctrl-C must not cut the stopping short and leave servers running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Stop

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    if cluster is None:
        print(
            "• Starting the handoff service, action server and Rasa server (Rasa takes about a minute) ...",
            flush=True,
        )
    else:
        print(
            f"• Starting PostgreSQL and Redis, then HAProxy and {cluster.instances} each of the handoff "
            "service, action server and Rasa server (Rasa takes a minute or two) ...",
            flush=True,
        )
    stack: Stack | None = None
    try:
        policy = RestartPolicy(first_delay=_restart_delay())
        stack = start_stack(config, policy) if cluster is None else start_cluster(cluster, policy)
        print_urls(stack)
        if cluster is not None:
            print_cluster(cluster)
        # A child that dies is restarted by the stack's supervisor (one log line each time); only one that
        # keeps dying right after it starts stops the assistant.
        while stack.supervisor is None or stack.supervisor.failure is None:
            time.sleep(1.0)
        print(f"error: {stack.supervisor.failure}", file=sys.stderr)
        return 1
    except (ServiceStartError, EngineError, HAProxyConfigError, MissingPackageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except _Stop:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if stack is not None:
            stack.stop()
        print("Stopped.", flush=True)


def _address(raw: str) -> str:
    host, _, port = raw.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{raw!r} is not HOST:PORT")
    return raw


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser("run", help="set up what is missing and start the assistant")
    run_command.add_argument(
        "--cluster",
        action="store_true",
        help="PostgreSQL, Redis, two of each server and HAProxy in front (docs/deploy.md)",
    )
    commands.add_parser("prepare", help="build the ONNX export, the KB index and the Rasa model")
    commands.add_parser("train", help="train the Rasa model if its inputs changed; print its path")
    warm = commands.add_parser("warm-up", help="load an action server's models before customers arrive")
    warm.add_argument("action_url", help="e.g. http://127.0.0.1:5055")
    config = commands.add_parser(
        "haproxy-config", help="print an HAProxy configuration for servers on several machines"
    )
    config.add_argument("--bind", default="0.0.0.0", help="address HAProxy listens on")
    config.add_argument("--rasa-port", type=int, default=5005)
    config.add_argument("--handoff-port", type=int, default=8300)
    config.add_argument("--action-port", type=int, default=5055)
    config.add_argument("--stats-port", type=int, default=8404)
    for kind in ("rasa", "actions", "handoff"):
        config.add_argument(f"--{kind}", type=_address, action="append", required=True, metavar="HOST:PORT")
    return parser


def main() -> int:
    args = _parser().parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # httpx logs every health-check URL at INFO, and Rasa's carries the API token in its query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "run":
        return run(cluster_profile=args.cluster)
    if args.command == "warm-up":
        return 0 if wait_then_warm_up(args.action_url.rstrip("/")) else 1
    if args.command == "haproxy-config":
        print(render(layout_for_hosts(args)), end="")
        return 0
    try:
        if args.command == "prepare":
            prepare()
        else:
            print(ensure_model())
    except PrepareError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def layout_for_hosts(args: argparse.Namespace) -> HAProxyLayout:
    def backends(kind: str, addresses: list[str]) -> tuple[Backend, ...]:
        return tuple(Backend(f"{kind}{n}", address) for n, address in enumerate(addresses, start=1))

    return HAProxyLayout(
        rasa_port=args.rasa_port,
        handoff_port=args.handoff_port,
        action_port=args.action_port,
        stats_port=args.stats_port,
        rasa=backends("rasa", args.rasa),
        handoff=backends("handoff", args.handoff),
        actions=backends("actions", args.actions),
        bind_host=args.bind,
    )


if __name__ == "__main__":
    sys.exit(main())
