"""The load itself: N simulated customers talking to one Rasa URL at once for a fixed time.

Each customer keeps one channel (REST or website chat) and one kind of conversation (a mix), says its turns
one by one, waiting for each reply like a person, and starts a new conversation when one ends. After the run
every conversation's tracker is read back: a message the customer sent that is not in the tracker is lost,
like a message that got no reply.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp

from bench.load_channels import Channel, NoReply, RestChannel, SocketIOChannel
from bench.load_mixes import Mix
from bench.load_stats import TurnRecord, by_key, error_samples, summarise
from bench.process_cpu import cpu_seconds
from bot.channels.failure_message import FAILURE_TEXT

CHANNELS = ("rest", "socketio")
START_SPREAD_SECONDS = 2.0  # customers arrive over the first seconds, not in one burst
TRACKER_READERS = 8
STORE_SETTLE_SECONDS = 60.0
ERROR_PAUSE_SECONDS = 2.0


@dataclass(frozen=True)
class Target:
    name: str
    rasa_url: str
    rasa_token: str
    mixes: Sequence[Mix]
    # server name -> pid, when the servers run on this machine: their CPU seconds per message are measured
    pids: Mapping[str, int] = field(default_factory=dict)


def load_average() -> list[float]:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return [float(value) for value in handle.read().split()[:3]]


def make_channel(name: str, http: aiohttp.ClientSession, rasa_url: str) -> Channel:
    if name == "rest":
        return RestChannel(http, rasa_url)
    if name == "socketio":
        return SocketIOChannel(rasa_url)
    raise ValueError(f"unknown channel {name!r}; choose from {', '.join(CHANNELS)}")


async def _turn(channel: Channel, mix: Mix, text: str, timeout: float) -> TurnRecord:
    started = time.perf_counter()
    base = {"mix": mix.name, "channel": channel.name, "sender": channel.sender, "text": text}
    try:
        reply = await channel.say(text, timeout)
    except NoReply as problem:
        return TurnRecord(**base, outcome="no_reply", started=started, latency_ms=None, detail=str(problem))
    except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, OSError) as problem:
        detail = f"{type(problem).__name__}: {problem}"
        return TurnRecord(**base, outcome="error", started=started, latency_ms=None, detail=detail)
    failed = any(message.get("text") == FAILURE_TEXT for message in reply.messages)
    return TurnRecord(
        **base,
        outcome="failure_reply" if failed else "ok",
        started=started,
        latency_ms=reply.latency_ms,
        detail="the failsafe answered" if failed else "",
    )


@dataclass
class CustomerLog:
    records: list[TurnRecord]
    connect_errors: list[str]


async def _customer(
    index: int, run_id: str, mix: Mix, channel: Channel, deadline: float, timeout: float
) -> CustomerLog:
    log = CustomerLog([], [])
    await asyncio.sleep(random.uniform(0, START_SPREAD_SECONDS))
    conversation = 0
    try:
        while time.perf_counter() < deadline:
            try:
                await channel.open(f"load-{run_id}-{index}-{conversation}")
            except Exception as problem:  # a chat that cannot connect is an error the operator must see
                log.connect_errors.append(f"{channel.name}: {type(problem).__name__}: {problem}")
                await asyncio.sleep(1.0)
                continue
            for text in mix.turns:
                if time.perf_counter() >= deadline:
                    break
                record = await _turn(channel, mix, text, timeout)
                log.records.append(record)
                if record.outcome == "error":  # a person reads the error before trying again
                    await asyncio.sleep(ERROR_PAUSE_SECONDS)
            conversation += 1
    finally:
        await channel.close()
    return log


async def _stored_user_texts(http: aiohttp.ClientSession, target: Target, sender: str) -> list[str] | None:
    url = f"{target.rasa_url}/conversations/{sender}/tracker"
    for _ in range(3):
        try:
            async with http.get(url, params={"token": target.rasa_token, "include_events": "ALL"}) as answer:
                if answer.status == 200:
                    tracker: dict[str, Any] = await answer.json()
                    return [
                        e.get("text") or "" for e in tracker.get("events") or [] if e.get("event") == "user"
                    ]
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(1.0)
    return None


async def _mark_stored(
    http: aiohttp.ClientSession, target: Target, records: list[TurnRecord]
) -> list[TurnRecord]:
    """Set `stored` on every record from the conversation's tracker (None when the tracker can't be read).

    Rasa may still be working through messages when the run ends (a socket.io turn is taken as complete
    after a quiet moment), so conversations with a message missing are read again for up to
    `STORE_SETTLE_SECONDS` before that message counts as not stored."""
    gate = asyncio.Semaphore(TRACKER_READERS)

    async def read(sender: str) -> tuple[str, list[str] | None]:
        async with gate:
            return sender, await _stored_user_texts(http, target, sender)

    sent: dict[str, list[str]] = {}
    for record in records:
        sent.setdefault(record.sender, []).append(record.text)
    stored: dict[str, list[str] | None] = {}
    todo = sorted(sent)
    settle_until = time.perf_counter() + STORE_SETTLE_SECONDS
    while todo:
        stored.update(await asyncio.gather(*(read(sender) for sender in todo)))
        todo = [sender for sender in todo if not _all_found(sent[sender], stored[sender])]
        if not todo or time.perf_counter() >= settle_until:
            break
        await asyncio.sleep(2.0)
    marked: list[TurnRecord] = []
    for record in records:
        texts = stored.get(record.sender)
        if texts is None:
            marked.append(replace(record, stored=None))
            continue
        found = record.text in texts
        if found:
            texts.remove(record.text)  # each stored message accounts for one sent message
        marked.append(replace(record, stored=found))
    return marked


def _all_found(sent: list[str], stored: list[str] | None) -> bool:
    if stored is None:
        return False
    left = list(stored)
    for text in sent:
        if text not in left:
            return False
        left.remove(text)
    return True


LOAD_GENERATOR = "load_generator"


def _cpu(name: str, pid: int) -> float:
    return cpu_seconds(pid, children=name != LOAD_GENERATOR)


def cpu_report(cpu_used: Mapping[str, float], answered: int, elapsed: float) -> dict[str, Any]:
    """CPU milliseconds each server (and this load generator) spent per answered message, and the messages/s
    the servers' costs allow on this machine's cores if nothing else ran (the ceiling a shared machine
    hides; the load generator, which shares the cores here, is left out of it)."""
    if not cpu_used or not answered:
        return {}
    per_message = {name: round(1000 * used / answered, 1) for name, used in cpu_used.items()}
    total_ms = sum(ms for name, ms in per_message.items() if name != LOAD_GENERATOR)
    by_kind: dict[str, float] = {}
    for name, ms in per_message.items():  # "rasa-1" and "rasa-2" are both rasa
        kind = name.split("-")[0]
        by_kind[kind] = round(by_kind.get(kind, 0.0) + ms, 1)
    return {
        "ms_per_message": per_message,
        "ms_per_message_by_kind": by_kind,
        "cores_busy": {name: round(used / elapsed, 2) for name, used in cpu_used.items()},
        "ceiling_messages_per_second": {
            "all_cores": round(1000 * (os.cpu_count() or 1) / total_ms, 1) if total_ms else None,
            # one Rasa process runs its event loop on one core: its own cost caps it, whatever the cores
            "one_rasa_process": round(1000 / by_kind["rasa"], 1) if by_kind.get("rasa") else None,
        },
    }


async def run_load(
    target: Target, conversations: int, seconds: float, channels: Sequence[str], turn_timeout: float
) -> dict[str, Any]:
    """Run the load and return its summary (overall, per mix, per channel)."""
    run_id = secrets.token_hex(3)
    load_before = load_average()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as http:
        # The servers with their children; this process alone (the stack it started is its children).
        watched = {**target.pids, LOAD_GENERATOR: os.getpid()} if target.pids else {}
        cpu_before = {name: _cpu(name, pid) for name, pid in watched.items()}
        started = time.perf_counter()
        deadline = started + seconds
        opened: list[Channel] = []
        customers = []
        for index in range(conversations):
            mix = target.mixes[index % len(target.mixes)]
            channel = make_channel(
                channels[(index // len(target.mixes)) % len(channels)], http, target.rasa_url
            )
            opened.append(channel)
            customers.append(_customer(index, run_id, mix, channel, deadline, turn_timeout))
        logs = await asyncio.gather(*customers)
        elapsed = time.perf_counter() - started
        cpu_used = {name: _cpu(name, pid) - cpu_before[name] for name, pid in watched.items()}
        load_after = load_average()
        records = await _mark_stored(http, target, [r for log in logs for r in log.records])
    connect_errors = [problem for log in logs for problem in log.connect_errors]
    unreadable = sum(r.stored is None for r in records)
    answered = sum(r.outcome in ("ok", "failure_reply") for r in records)
    return {
        "target": target.name,
        "conversations": conversations,
        "seconds": round(elapsed, 1),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "total": summarise(records, elapsed),
        "cpu": cpu_report(cpu_used, answered, elapsed),
        "by_mix": by_key(records, "mix", elapsed),
        "by_channel": by_key(records, "channel", elapsed),
        "trackers_unreadable": unreadable,
        # socket.io messages that came after their turn was taken as complete (the quiet wait was too short)
        "socketio_late_messages": sum(getattr(channel, "late_messages", 0) for channel in opened),
        "connect_errors": len(connect_errors),
        "problems": error_samples(records) + sorted(set(connect_errors))[:3],
    }
