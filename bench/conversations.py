"""Conversation benchmark: replay whole customer conversations and score what the assistant recorded.

Spec format: ../shared/conversations/README.md (a YAML list of conversations, each a list of turns). Each
turn's outcome is read from the Rasa tracker (events, slots, active loop) and the handoff service's tickets,
never from the reply's wording; the mapping lives in bench/conversation_outcomes.py and
docs/conversations.md.

Run on a stack of its own (started like the integration tests, agents answer around the clock):
    .venv/bin/python bench/conversations.py --specs ../shared/conversations/dev.yml --json
or against a running `make run` (tokens from RASA_AUTH_TOKEN / HANDOFF_API_TOKEN, else var/secrets.json):
    .venv/bin/python bench/conversations.py --specs FILE --url http://127.0.0.1:5005 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.conversation_outcomes import Outcome, Turn, expected_kinds, turn_outcomes, turn_passes
from stack import isolated_config, paths, start_stack

AGENT_PASSWORD_ENV = "BENCH_AGENT_PASSWORD"
TURN_TIMEOUT = 60.0
SOCKETIO_SETTLE_SECONDS = 0.3


class SpecError(ValueError):
    """A spec file that does not follow the format; the message says where."""


@dataclass(frozen=True)
class Target:
    """Where the assistant runs and how to read what it recorded."""

    rasa_url: str
    rasa_token: str
    handoff_url: str
    handoff_token: str
    handoff_db: Path
    log_dir: Path | None


@dataclass
class TurnResult:
    index: int
    say: str
    expect: dict[str, Any] | None
    outcomes: list[Outcome] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ms: float | None = None
    scored: bool = False

    @property
    def passed(self) -> bool:
        return not self.problems


# --- specs ------------------------------------------------------------------------------------------------
def load_specs(path: Path) -> list[dict[str, Any]]:
    """Conversations from one YAML file, or from every *.yml file in a folder (sorted)."""
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    conversations: list[dict[str, Any]] = []
    for file in files:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8")) or []
        if not isinstance(loaded, list):
            raise SpecError(f"{file}: expected a list of conversations")
        for number, conversation in enumerate(loaded, start=1):
            _check_conversation(file, number, conversation)
            conversations.append(conversation)
    ids = [c["id"] for c in conversations]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SpecError(f"duplicate conversation ids: {', '.join(duplicates)}")
    return conversations


def _check_conversation(file: Path, number: int, conversation: Any) -> None:
    where = f"{file}: conversation {number}"
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str):
        raise SpecError(f"{where}: needs an `id`")
    where = f"{file}: {conversation['id']}"
    if conversation.get("channel", "rest") not in ("rest", "socketio"):
        raise SpecError(f"{where}: channel must be rest or socketio")
    turns = conversation.get("turns")
    if not isinstance(turns, list) or not turns:
        raise SpecError(f"{where}: needs a non-empty list of `turns`")
    for index, turn in enumerate(turns, start=1):
        if not isinstance(turn, dict) or (("say" in turn) == ("press" in turn)):
            raise SpecError(f"{where}: turn {index} needs exactly one of `say` or `press`")
        expect = turn.get("expect")
        if expect is not None and (not isinstance(expect, dict) or not expected_kinds(expect)):
            raise SpecError(f"{where}: turn {index}: `expect` needs an `outcome`")


# --- talking to the assistant ------------------------------------------------------------------------------
def _button_list(message: dict[str, Any]) -> list[dict[str, Any]]:
    return list(message.get("buttons") or message.get("quick_replies") or [])


class Channel:
    """One customer's connection; `send` returns the bot's messages for that message."""

    async def send(self, text: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def close(self) -> None:
        return None


class RestChannel(Channel):
    def __init__(self, http: aiohttp.ClientSession, target: Target, sender: str) -> None:
        self.http, self.url, self.sender = http, f"{target.rasa_url}/webhooks/rest/webhook", sender

    async def send(self, text: str) -> list[dict[str, Any]]:
        body = {"sender": self.sender, "message": text}
        async with self.http.post(
            self.url, json=body, timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT)
        ) as r:
            r.raise_for_status()
            messages: list[dict[str, Any]] = await r.json()
            return messages


class SocketIOChannel(Channel):
    """Rasa's socket.io channel (the website chat). Replies are pushed, so a turn ends when the tracker shows
    the bot listening again after this message."""

    def __init__(self, recorder: Recorder, target: Target, sender: str) -> None:
        import socketio  # only needed for socketio cases

        self.recorder, self.target, self.sender = recorder, target, sender
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[dict[str, Any]] = []
        self.confirmed = asyncio.Event()
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: Any) -> None:
        if isinstance(data, dict):
            self.received.append(data)

    async def _on_confirm(self, data: Any) -> None:
        self.confirmed.set()

    async def open(self) -> None:
        await self.client.connect(self.target.rasa_url, socketio_path="/socket.io", transports=["websocket"])
        await self.client.emit("session_request", {"session_id": self.sender})
        await asyncio.wait_for(self.confirmed.wait(), timeout=10)

    async def send(self, text: str) -> list[dict[str, Any]]:
        seen = len(await self.recorder.events(self.sender))
        self.received.clear()
        await self.client.emit("user_uttered", {"message": text, "session_id": self.sender})
        deadline = time.monotonic() + TURN_TIMEOUT
        while time.monotonic() < deadline:
            events = await self.recorder.events(self.sender)
            new = events[seen:]
            if (
                any(e.get("event") == "user" for e in new)
                and new[-1].get("event") == "action"
                and (new[-1].get("name") == "action_listen")
            ):
                break
            await asyncio.sleep(0.1)
        else:
            raise TimeoutError(f"no end of turn within {TURN_TIMEOUT:.0f} s")
        await asyncio.sleep(SOCKETIO_SETTLE_SECONDS)  # let the last pushed messages arrive
        return list(self.received)

    async def close(self) -> None:
        await self.client.disconnect()


class Recorder:
    """Reads what the assistant recorded: the Rasa tracker and the handoff service's tickets."""

    def __init__(self, http: aiohttp.ClientSession, target: Target) -> None:
        self.http, self.target = http, target

    async def tracker(self, sender: str) -> dict[str, Any]:
        url = f"{self.target.rasa_url}/conversations/{sender}/tracker"
        params = {"token": self.target.rasa_token, "include_events": "ALL"}
        async with self.http.get(url, params=params) as response:
            response.raise_for_status()
            tracker: dict[str, Any] = await response.json()
            return tracker

    async def events(self, sender: str) -> list[dict[str, Any]]:
        return list((await self.tracker(sender)).get("events") or [])

    async def tickets(self, sender: str) -> list[dict[str, Any]]:
        url = f"{self.target.handoff_url}/api/conversations/{sender}/handoffs"
        headers = {"Authorization": f"Bearer {self.target.handoff_token}"}
        async with self.http.get(url, headers=headers) as response:
            response.raise_for_status()
            return list((await response.json()).get("handoffs") or [])


# --- an agent signed in to the console ---------------------------------------------------------------------
def create_agent(handoff_db: Path, username: str, password: str) -> None:
    """An agent account through the real `python -m handoff users create` CLI."""
    env = {**os.environ, "HANDOFF_DB": str(handoff_db), AGENT_PASSWORD_ENV: password}
    command = [str(paths.APP_PYTHON), "-m", "handoff", "users", "create", username, "--role", "agent"]
    command += ["--name", username.title(), "--password-env", AGENT_PASSWORD_ENV]
    done = subprocess.run(command, cwd=paths.REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"creating agent {username!r} failed: {done.stderr.strip()}")


@asynccontextmanager
async def agent_online(target: Target, username: str, password: str) -> AsyncIterator[None]:
    """Log in to the console and keep its live socket open: the agent counts as online until the end."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await (await http.get(f"{target.handoff_url}/console/login")).text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError("the console login page has no CSRF field")
        form = {"username": username, "password": password, "csrf": found.group(1)}
        async with http.post(f"{target.handoff_url}/console/login", data=form) as response:
            if response.status != 200 or not str(response.url).endswith("/console"):
                raise RuntimeError(f"agent login failed (HTTP {response.status})")
        ws = await http.ws_connect(f"{target.handoff_url}/console/ws", origin=target.handoff_url)
        try:
            yield
        finally:
            await ws.close()


# --- running one conversation ------------------------------------------------------------------------------
def _reply_texts(messages: Sequence[dict[str, Any]]) -> list[str]:
    return [str(m.get("text") or "") for m in messages if m.get("text")]


def _pressed_payload(title: str, last: Sequence[dict[str, Any]]) -> str | None:
    for message in last:
        for button in _button_list(message):
            if str(button.get("title") or "").strip().lower() == title.strip().lower():
                return str(button.get("payload") or button.get("title"))
    return None


def _last_user_index(events: Sequence[dict[str, Any]]) -> int:
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return index
    return len(events)


async def _stored_text(recorder: Recorder, sender: str, log_dir: Path | None) -> str:
    """Everything the assistant kept about this conversation: tracker, tickets (with transcripts), logs."""
    parts = [
        json.dumps(await recorder.tracker(sender), ensure_ascii=False),
        json.dumps(await recorder.tickets(sender), ensure_ascii=False),
    ]
    if log_dir is not None and log_dir.is_dir():
        parts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(log_dir.glob("*.log"))]
    return "\n".join(parts)


async def run_conversation(
    conversation: dict[str, Any], target: Target, http: aiohttp.ClientSession, agent: tuple[str, str] | None
) -> list[TurnResult]:
    sender = f"bench-{conversation['id']}-{secrets.token_hex(3)}"[:80]
    recorder = Recorder(http, target)
    async with _maybe_agent(conversation, target, agent):
        channel = await _open_channel(conversation, recorder, target, http, sender)
        try:
            results = await _play_turns(conversation, channel, recorder, sender)
        finally:
            await channel.close()
        await _check_never_store(conversation, results, recorder, sender, target.log_dir)
    return results


@asynccontextmanager
async def _maybe_agent(
    conversation: dict[str, Any], target: Target, agent: tuple[str, str] | None
) -> AsyncIterator[None]:
    if not conversation.get("agents_online") or agent is None:
        yield
        return
    async with agent_online(target, *agent):
        yield


async def _open_channel(
    conversation: dict[str, Any], recorder: Recorder, target: Target, http: aiohttp.ClientSession, sender: str
) -> Channel:
    if conversation.get("channel", "rest") == "socketio":
        channel = SocketIOChannel(recorder, target, sender)
        await channel.open()
        return channel
    return RestChannel(http, target, sender)


async def _play_turns(
    conversation: dict[str, Any], channel: Channel, recorder: Recorder, sender: str
) -> list[TurnResult]:
    results: list[TurnResult] = []
    last: list[dict[str, Any]] = []
    for index, spec in enumerate(conversation["turns"], start=1):
        expect = spec.get("expect")
        result = TurnResult(index=index, say=str(spec.get("say", spec.get("press"))), expect=expect)
        result.scored = bool(expect or spec.get("never_say") or spec.get("never_store"))
        results.append(result)
        text = spec.get("say")
        if "press" in spec:
            text = _pressed_payload(str(spec["press"]), last)
            if text is None:
                result.problems.append(f"no button titled {spec['press']!r} in the last reply")
                continue
        try:
            tickets_before = await recorder.tickets(sender)
            started = time.perf_counter()
            last = await channel.send(str(text))
            result.ms = (time.perf_counter() - started) * 1000
            tracker = await recorder.tracker(sender)
            tickets_after = await recorder.tickets(sender)
        except (aiohttp.ClientError, TimeoutError, asyncio.TimeoutError) as error:
            result.problems.append(f"error: {type(error).__name__}: {error}")
            last = []
            continue
        result.replies = _reply_texts(last)
        events = list(tracker.get("events") or [])
        cut = _last_user_index(events)
        result.outcomes = turn_outcomes(
            Turn(
                before=events[:cut],
                during=events[cut:],
                tickets_before=tickets_before,
                tickets_after=tickets_after,
                active_loop_after=(tracker.get("active_loop") or {}).get("name"),
            )
        )
        if expect and not turn_passes(expect, result.outcomes):
            result.problems.append("outcome")
        said = "\n".join(result.replies + [str(b.get("title")) for m in last for b in _button_list(m)])
        for secret in spec.get("never_say") or []:
            if str(secret) in said:
                result.problems.append(f"said {secret!r}")
    return results


async def _check_never_store(
    conversation: dict[str, Any],
    results: list[TurnResult],
    recorder: Recorder,
    sender: str,
    log_dir: Path | None,
) -> None:
    """Checked once the conversation is over: what is stored then is what stays."""
    wanted = [
        (r, s)
        for r, spec in zip(results, conversation["turns"], strict=True)
        for s in spec.get("never_store") or []
    ]
    if not wanted:
        return
    stored = await _stored_text(recorder, sender, log_dir)
    for result, secret in wanted:
        if str(secret) in stored:
            result.problems.append(f"stored {secret!r}")


# --- scoring -----------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)


def summarise(conversations: Sequence[dict[str, Any]], results: Sequence[list[TurnResult]]) -> dict[str, Any]:
    by_outcome: dict[str, list[int]] = {}
    failures: list[dict[str, Any]] = []
    passed_conversations = turns_passed = turns_total = 0
    latencies = [r.ms for turns in results for r in turns if r.ms is not None]
    for conversation, turns in zip(conversations, results, strict=True):
        scored = [r for r in turns if r.scored]
        passed_conversations += all(r.passed for r in scored)
        for result in scored:
            turns_total += 1
            turns_passed += result.passed
            kind = "+".join(expected_kinds(result.expect)) if result.expect else "privacy_only"
            tally = by_outcome.setdefault(kind, [0, 0])
            tally[0] += result.passed
            tally[1] += 1
            if not result.passed:
                failures.append(
                    {
                        "id": conversation["id"],
                        "turn": result.index,
                        "say": result.say,
                        "expected": result.expect,
                        "got": [o.label() for o in result.outcomes] or ["nothing recorded"],
                        "problems": result.problems,
                        "replies": result.replies,
                    }
                )
    return {
        "conversations_passed": passed_conversations,
        "conversations_total": len(conversations),
        "turns_passed": turns_passed,
        "turns_total": turns_total,
        "by_outcome": dict(sorted(by_outcome.items())),
        "failures": failures,
        "turn_ms_p50": percentile(latencies, 0.5),
        "turn_ms_p95": percentile(latencies, 0.95),
    }


async def run_all(
    conversations: Sequence[dict[str, Any]], target: Target, agent: tuple[str, str] | None
) -> list[list[TurnResult]]:
    results: list[list[TurnResult]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT)) as http:
        for conversation in tqdm(conversations, desc="conversations", unit="conv", file=sys.stderr):
            results.append(await run_conversation(conversation, target, http, agent))
    return results


# --- where the assistant runs ------------------------------------------------------------------------------
def _running_target(rasa_url: str) -> Target:
    """A running `make run`: tokens from the environment, else var/secrets.json as `make run` writes it."""
    stored: dict[str, str] = {}
    secrets_file = paths.VAR_DIR / "secrets.json"
    if secrets_file.exists():
        stored = json.loads(secrets_file.read_text(encoding="utf-8"))

    def secret(name: str) -> str:
        value = os.environ.get(name) or stored.get(name)
        if not value:
            raise SystemExit(f"error: set {name} (or run `make run` once so var/secrets.json has it)")
        return value

    handoff_url = (
        os.environ.get("HANDOFF_URL") or f"http://127.0.0.1:{os.environ.get('HANDOFF_PORT', '8300')}"
    )
    return Target(
        rasa_url=rasa_url.rstrip("/"),
        rasa_token=secret("RASA_AUTH_TOKEN"),
        handoff_url=handoff_url.rstrip("/"),
        handoff_token=secret("HANDOFF_API_TOKEN"),
        handoff_db=Path(os.environ.get("HANDOFF_DB") or paths.VAR_DIR / "handoff.db"),
        log_dir=Path(os.environ["BENCH_LOG_DIR"]) if os.environ.get("BENCH_LOG_DIR") else paths.LOG_DIR,
    )


@contextmanager
def _own_stack(keep_records: bool) -> Iterator[Target]:
    """A stack of its own, as the integration tests start it (agents answer around the clock). Its folder
    (tracker DB, handoff DB, logs) is removed afterwards unless `keep_records`."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-conversations-"))
    config = isolated_config(workdir, extra_env={"HANDOFF_HOURS__ALWAYS_OPEN": "true"})
    try:
        running = start_stack(config)
    except BaseException:
        _remove(workdir, keep_records)
        raise
    try:
        yield Target(
            rasa_url=config.rasa_url,
            rasa_token=config.secrets.rasa_auth_token,
            handoff_url=config.handoff_url,
            handoff_token=config.secrets.handoff_api_token,
            handoff_db=config.handoff_db,
            log_dir=config.log_dir,
        )
    finally:
        running.stop()
        _remove(workdir, keep_records)


def _remove(workdir: Path, keep: bool) -> None:
    if keep:
        print(f"records kept in {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def benchmark(conversations: Sequence[dict[str, Any]], target: Target) -> dict[str, Any]:
    agent = None
    if any(c.get("agents_online") for c in conversations):
        agent = (f"bench{secrets.token_hex(3)}", secrets.token_urlsafe(16))
        create_agent(target.handoff_db, *agent)
    return summarise(conversations, asyncio.run(run_all(conversations, target, agent)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--specs", type=Path, required=True, help="a spec YAML file or a folder of them")
    parser.add_argument("--url", help="Rasa URL of a running assistant (default: start one)")
    parser.add_argument("--json", action="store_true", help="print the result as one line of JSON")
    parser.add_argument(
        "--keep-records",
        action="store_true",
        help="keep the own stack's tracker DB, handoff DB and logs (for reading failures); no effect with --url",
    )
    args = parser.parse_args(argv)
    try:
        conversations = load_specs(args.specs)
    except (OSError, yaml.YAMLError, SpecError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.url:
        result = benchmark(conversations, _running_target(args.url))
    else:
        with _own_stack(args.keep_records) as target:
            result = benchmark(conversations, target)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
