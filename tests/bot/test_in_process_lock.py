"""The single box's conversation lock (bot/scale/lock_store.py, no REDIS_URL): one conversation's messages
take turns, first come first served, however long a turn takes; a turn that hangs is cut off eventually.

Fast: one small Rasa-side process per test (tests/bot/lock_turns.py in .venv-rasa), 1 s ticket lifetime.
"""

from __future__ import annotations

import json
import os
from typing import Any

from tests.rasa_side import run_in_rasa

LIFETIME = 1  # seconds (TICKET_LOCK_LIFETIME; Rasa reads it as a whole number)
SETTINGS = ("REDIS_URL", "TICKET_LOCK_LIFETIME", "LOCK_MAX_HOLD_SECONDS", "LOCK_POLL_SECONDS")


def rasa_side_env(**env: str) -> dict[str, str]:
    """This environment for a Rasa-side process, with none of the lock settings but ``env``."""
    base = {name: value for name, value in os.environ.items() if name not in SETTINGS}
    return {**base, **env}


def run_turns(plan: dict[str, Any], **env: str) -> dict[str, Any]:
    result: dict[str, Any] = run_in_rasa(
        ["-m", "tests.bot.lock_turns", json.dumps(plan)],
        rasa_side_env(TICKET_LOCK_LIFETIME=str(plan["lease"]), **env),
        timeout=120,
    )
    return result


def events(result: dict[str, Any]) -> list[str]:
    return [f"{what} {name}" for _, what, name in result["trace"]]


def time_of(result: dict[str, Any], entry: str) -> float:
    return next(float(at) for at, what, name in result["trace"] if f"{what} {name}" == entry)


SLOW_TURN_AND_TWO_BEHIND = {
    "lease": LIFETIME,
    "turns": [
        {"name": "slow", "start": 0.0, "hold": 4.0 * LIFETIME},
        # Rasa's own tickets expired while they waited behind it ("send it again"), or, arriving later,
        # started while it still ran (tests/integration/test_conversation_lock.py shows both).
        {"name": "second", "start": 0.1, "hold": 0.1},
        {"name": "third", "start": 0.6 * LIFETIME, "hold": 0.1},
    ],
    "until": 30.0,
}


def test_messages_queued_behind_a_turn_longer_than_the_ticket_lifetime_wait_their_turn() -> None:
    result = run_turns(SLOW_TURN_AND_TWO_BEHIND)

    assert events(result) == [
        "enter slow",
        "exit slow",
        "enter second",
        "exit second",
        "enter third",
        "exit third",
    ]
    assert result["errors"] == []


def test_many_messages_at_once_never_overlap_and_go_first_come_first_served() -> None:
    names = [f"m{i:02d}" for i in range(40)]
    plan = {
        "lease": LIFETIME,
        "turns": [{"name": name, "start": 0.0, "hold": 0.01} for name in names],
        "until": 60.0,
    }
    result = run_turns(plan)

    assert events(result) == [f"{what} {name}" for name in names for what in ("enter", "exit")]


def test_a_turn_that_hangs_lets_the_next_message_go_ahead_after_the_hold_limit() -> None:
    plan = {
        "lease": LIFETIME,
        "turns": [
            {"name": "hung", "start": 0.0, "hold": 600.0},
            {"name": "next", "start": 0.1, "hold": 0.1},
        ],
        "until": 15.0,
    }
    result = run_turns(plan, LOCK_MAX_HOLD_SECONDS="3")

    assert events(result) == ["enter hung", "enter next", "exit next"]
    waited = time_of(result, "enter next") - time_of(result, "enter hung")
    assert 3.0 <= waited <= 3.0 + LIFETIME + 1.0, waited  # the limit, then within one lease and a poll
    assert any("has held its lock for 3.0 s" in line for line in result["errors"]), result["errors"]


def test_a_ticket_nobody_renews_lapses_within_one_lifetime() -> None:
    plan = {
        "lease": LIFETIME,
        "abandoned": [0.0],  # a message whose task vanished without giving its ticket back
        "turns": [{"name": "next", "start": 0.1, "hold": 0.1}],
        "until": 15.0,
    }
    result = run_turns(plan)

    assert events(result) == ["enter next", "exit next"]
    assert LIFETIME - 0.2 <= time_of(result, "enter next") <= LIFETIME + 1.0


PROBE = """
import json
from bot.scale.lock_store import ConfiguredLockStore
try:
    store = ConfiguredLockStore()
    print(json.dumps([type(store).__name__, store.lease_seconds, store.max_hold_seconds, store.wait_seconds]))
except Exception as error:
    print(json.dumps(f"{type(error).__name__}: {error}"))
"""


def probe(**env: str) -> Any:
    environment = {**os.environ, **env}
    environment.pop("REDIS_URL", None)
    return run_in_rasa(["-c", PROBE], environment)


def test_the_single_box_store_takes_its_lifetimes_from_the_environment_and_refuses_a_wrong_one() -> None:
    assert probe(TICKET_LOCK_LIFETIME="7") == ["InProcessLockStore", 7.0, 300.0, None]
    assert (
        probe(LOCK_MAX_HOLD_SECONDS="soon")
        == "ValueError: LOCK_MAX_HOLD_SECONDS='soon' is not a number of seconds"
    )
