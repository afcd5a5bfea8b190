"""Load benchmark: many customers at once, over REST and the website chat, for a few minutes.

N simulated customers (each --conversations value in turn) talk to the assistant for M minutes. Each keeps one
channel (REST or socket.io) and one kind of conversation (small talk, KB questions, a diagnostic script; see
bench/load_mixes.py) and waits for each reply before saying the next thing, like a person. The result is one
JSON object: messages/s, p50/p95/p99 latency, errors, failure replies, messages lost (no reply, or missing from
the tracker afterwards), overall, per mix and per channel, with the machine's load average around each run.

The vanilla `rasa init` starter bot is measured in the same run on the same machine (small talk only, it knows
nothing else) for the README's side-by-side row; --no-vanilla skips it.

Run (starts a stack of its own, like the integration tests):
    .venv/bin/python bench/load.py --json --conversations 50 200 --minutes 1
Against a running assistant (`make run`, or the cluster profile behind its load balancer):
    .venv/bin/python bench/load.py --json --url http://127.0.0.1:5005 --profile cluster
(the tracker check reads RASA_AUTH_TOKEN, else var/secrets.json as `make run` writes it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_channels import NoReply
from bench.load_driver import CHANNELS, Target, load_average, make_channel, run_load
from bench.load_mixes import ASSISTANT_MIXES, VANILLA_MIXES, Mix, parse_mixes
from bench.vanilla_bot import running_vanilla_bot
from stack import isolated_config, paths, start_stack
from stack.ports import free_port
from stack.secrets import new_secret

WARM_UP_TIMEOUT = 120.0


def _token_of_running_stack() -> str:
    value = os.environ.get("RASA_AUTH_TOKEN")
    secrets_file = paths.VAR_DIR / "secrets.json"
    if not value and secrets_file.exists():
        value = json.loads(secrets_file.read_text(encoding="utf-8")).get("RASA_AUTH_TOKEN")
    if not value:
        raise SystemExit("error: set RASA_AUTH_TOKEN (or run `make run` once so var/secrets.json has it)")
    return value


SHORT_NAMES = {"Rasa server": "rasa", "action server": "actions", "handoff service": "handoff"}


def _short_name(service_name: str) -> str:
    """ "Rasa server 2" -> "rasa-2", "PostgreSQL" -> "postgresql": the CPU report sums each kind."""
    for long, short in SHORT_NAMES.items():
        if service_name.startswith(long):
            number = service_name[len(long) :].strip()
            return f"{short}-{number}" if number else short
    return service_name.lower().replace(" ", "-")


@contextmanager
def _own_assistant(workdir: Path) -> Iterator[tuple[str, str, dict[str, int]]]:
    config = isolated_config(workdir / "assistant")
    stack = start_stack(config)
    try:
        pids = {
            _short_name(service.name): service.process.pid
            for service in stack.services
            if service.process is not None
        }
        yield config.rasa_url, config.secrets.rasa_auth_token, pids
    finally:
        stack.stop()


@contextmanager
def _own_cluster(workdir: Path, instances: int) -> Iterator[tuple[str, str, dict[str, int]]]:
    """The cluster profile as `python -m stack run --cluster` starts it (PostgreSQL, Redis, HAProxy and
    `instances` of each server), on free ports with its own data under `workdir`; yields HAProxy's Rasa URL."""
    from stack.cluster import cluster_config, start_cluster

    workdir.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data folder inside
    base = isolated_config(workdir / "entry")
    cluster = cluster_config(
        base,
        workdir / "cluster",
        postgres_port=free_port(),
        redis_port=free_port(),
        stats_port=free_port(),
        postgres_password=new_secret(),
        instances=instances,
    )
    stack = start_cluster(cluster)
    try:
        pids = {
            _short_name(service.name): service.process.pid
            for service in stack.services
            if service.process is not None
        }
        yield cluster.entry.rasa_url, cluster.entry.secrets.rasa_auth_token, pids
    finally:
        stack.stop()


async def _warm_up(target: Target, channels: Sequence[str]) -> None:
    """Say every mix once on each channel, one at a time: first-use loading is not what we measure."""
    async with aiohttp.ClientSession() as http:
        for name in channels:
            for mix in target.mixes:
                channel = make_channel(name, http, target.rasa_url)
                await channel.open(f"load-warm-up-{name}-{mix.name}-{time.time_ns()}")
                try:
                    for text in mix.turns:
                        with contextlib.suppress(NoReply):  # counted in the real run, not here
                            await channel.say(text, WARM_UP_TIMEOUT)
                finally:
                    await channel.close()


def measure(target: Target, args: argparse.Namespace) -> list[dict[str, Any]]:
    asyncio.run(_warm_up(target, args.channels))
    runs = []
    for conversations in args.conversations:
        print(f"• {target.name}: {conversations} conversations for {args.minutes} min", file=sys.stderr)
        run = asyncio.run(
            run_load(target, conversations, args.minutes * 60, args.channels, args.turn_timeout)
        )
        print(f"  {json.dumps(run['total'])}", file=sys.stderr)
        runs.append(run)
    return runs


def _channels(spec: str) -> list[str]:
    names = [name.strip() for name in spec.split(",") if name.strip()]
    if not names or any(name not in CHANNELS for name in names):
        raise argparse.ArgumentTypeError(f"channels must be a comma list of {', '.join(CHANNELS)}")
    return names


def _mixes(spec: str) -> list[Mix]:
    try:
        return parse_mixes(spec, ASSISTANT_MIXES)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def _watch_pid(spec: str) -> tuple[str, int]:
    name, _, pid = spec.partition("=")
    if not name or not pid.isdigit():
        raise argparse.ArgumentTypeError(f"give NAME=PID (e.g. rasa=1234), got {spec!r}")
    return name, int(pid)


def _positive(kind: type) -> Any:
    def parse(raw: str) -> Any:
        value = kind(raw)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, got {raw}")
        return value

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--conversations", type=_positive(int), nargs="+", default=[50], help="N, one run each"
    )
    parser.add_argument("--minutes", type=_positive(float), default=1.0, help="length of each run")
    parser.add_argument(
        "--profile",
        choices=("single", "cluster"),
        default="single",
        help="which stack to start (ignored with --url, where it only labels the result)",
    )
    parser.add_argument("--instances", type=_positive(int), default=2, help="cluster profile: of each server")
    parser.add_argument(
        "--url", help="Rasa (or load balancer) URL of a running assistant; default: start one"
    )
    parser.add_argument(
        "--mix", type=_mixes, default=list(ASSISTANT_MIXES.values()), help="e.g. small_talk,kb"
    )
    parser.add_argument("--channels", type=_channels, default=list(CHANNELS), help="rest,socketio")
    parser.add_argument(
        "--turn-timeout", type=_positive(float), default=30.0, help="seconds a customer waits"
    )
    parser.add_argument(
        "--watch-pid",
        type=_watch_pid,
        action="append",
        default=[],
        help="with --url: NAME=PID of a server on this machine whose CPU per message to measure (rasa=1234)",
    )
    parser.add_argument("--no-vanilla", action="store_true", help="skip the `rasa init` starter bot")
    parser.add_argument("--no-assistant", action="store_true", help="measure only the starter bot")
    parser.add_argument(
        "--out", type=Path, help="also write the JSON to this file (e.g. bench/results/load-x.json)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as one line of JSON")
    args = parser.parse_args(argv)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result: dict[str, Any] = {
        "benchmark": "load",
        "profile": args.profile,
        "instances": args.instances if args.profile == "cluster" else 1,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_average(),
        "minutes_per_run": args.minutes,
        "channels": args.channels,
        "mixes": {mix.name: list(mix.turns) for mix in args.mix},
        "runs": [],
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        if not args.no_assistant:
            if args.url:
                url = args.url.rstrip("/")
                target = Target("assistant", url, _token_of_running_stack(), args.mix, dict(args.watch_pid))
                result["runs"] += measure(target, args)
            else:
                start = (
                    _own_assistant(workdir)
                    if args.profile == "single"
                    else _own_cluster(workdir, args.instances)
                )
                with start as (url, token, pids):
                    result["runs"] += measure(Target("assistant", url, token, args.mix, pids), args)
        if not args.no_vanilla:
            with running_vanilla_bot(workdir / "vanilla") as (url, token, pid):
                vanilla = Target("vanilla_rasa_init", url, token, list(VANILLA_MIXES.values()), {"rasa": pid})
                result["runs"] += measure(vanilla, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(result, ensure_ascii=False, indent=None if args.json else 2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
