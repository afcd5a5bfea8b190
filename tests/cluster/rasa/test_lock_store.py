"""The Redis conversation lock, taken by several real processes (as several Rasa instances do).

Fast: Redis and small Rasa-side processes only (tests/cluster/rasa/lock_worker.py in .venv-rasa).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from stack import paths
from stack.engines import RedisServer
from stack.ports import free_port

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(120, func_only=True)]

LEASE = 3.0  # seconds; short, so a dead holder's lock lapses quickly in the test


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def trace(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


def worker(
    url: str, conversation: str, name: str, count: int, hold: float = 0.002, **settings: str
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(paths.REPO_ROOT), "LOCK_LEASE_SECONDS": str(LEASE), **settings}
    command = [str(paths.RASA_PYTHON), "-m", "tests.cluster.rasa.lock_worker", url, conversation, name]
    return subprocess.Popen(
        [*command, str(count), str(hold)], cwd=paths.REPO_ROOT, env=env, stderr=subprocess.PIPE
    )


def finish(process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    _, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]


def wait_for(trace: redis.Redis, entry: str, timeout: float) -> float:
    started = time.monotonic()
    while entry not in trace.lrange("trace", 0, -1):
        assert time.monotonic() - started < timeout, f"{entry!r} did not happen within {timeout} s"
        time.sleep(0.02)
    return time.monotonic() - started


def test_turns_of_one_conversation_from_two_processes_never_overlap_and_keep_their_order(
    redis_server: RedisServer, trace: redis.Redis
) -> None:
    workers = [worker(redis_server.url, "chat-1", name, 100) for name in ("a", "b")]
    for process in workers:
        finish(process)

    entries = trace.lrange("trace", 0, -1)
    assert len(entries) == 2 * 2 * 100
    for enter, leave in zip(entries[::2], entries[1::2], strict=True):
        assert enter.startswith("enter ") and leave == "exit " + enter.removeprefix("enter "), (enter, leave)
    for name in ("a", "b"):
        mine = [e for e in entries[::2] if e.startswith(f"enter {name}-")]
        assert mine == sorted(mine)  # first come, first served within each instance


def test_a_lock_held_by_a_killed_instance_frees_itself_within_one_lease(
    redis_server: RedisServer, trace: redis.Redis
) -> None:
    holder = worker(redis_server.url, "chat-2", "dead", 1, hold=600)
    wait_for(trace, "enter dead-000", timeout=60)
    holder.kill()
    holder.wait(timeout=10)
    killed = time.monotonic()

    follower = worker(redis_server.url, "chat-2", "next", 1)
    waited = wait_for(trace, "enter next-000", timeout=60)
    finish(follower)
    assert time.monotonic() - killed <= LEASE + 5  # process start-up included
    assert "exit dead-000" not in trace.lrange("trace", 0, -1)
    assert waited > 0


def test_a_live_instance_keeps_its_lock_for_longer_than_the_lease(
    redis_server: RedisServer, trace: redis.Redis
) -> None:
    holder = worker(redis_server.url, "chat-3", "slow", 1, hold=3 * LEASE)
    wait_for(trace, "enter slow-000", timeout=60)
    follower = worker(redis_server.url, "chat-3", "next", 1)
    finish(holder)
    finish(follower)
    assert trace.lrange("trace", 0, -1) == [
        "enter slow-000",
        "exit slow-000",
        "enter next-000",
        "exit next-000",
    ]


def test_a_turn_that_hangs_lets_the_next_message_go_ahead_after_the_hold_limit(
    redis_server: RedisServer, trace: redis.Redis
) -> None:
    limit = 2 * LEASE  # LOCK_MAX_HOLD_SECONDS; 300 s unless set
    holder = worker(redis_server.url, "chat-4", "hung", 1, hold=600, LOCK_MAX_HOLD_SECONDS=str(limit))
    wait_for(trace, "enter hung-000", timeout=60)
    entered = time.monotonic()
    follower = worker(redis_server.url, "chat-4", "next", 1)
    try:
        wait_for(trace, "enter next-000", timeout=60)
        waited = time.monotonic() - entered
        finish(follower)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    # Not before the limit (the holder is alive and renewing), and soon after it.
    assert limit - 0.5 <= waited <= limit + LEASE + 5, waited  # (less the 20 ms between trace checks)
    assert "exit hung-000" not in trace.lrange("trace", 0, -1)
