"""What bench/load.py reports: a message that got no reply, or was answered but never stored, counts as lost
once; the honest failure reply counts as answered; percentiles come from the answered messages only."""

from __future__ import annotations

from bench.load_mixes import ASSISTANT_MIXES, parse_mixes
from bench.load_stats import TurnRecord, by_key, summarise


def record(
    outcome: str, ms: float | None, *, stored: bool | None = True, channel: str = "rest"
) -> TurnRecord:
    return TurnRecord("kb", channel, "c1", "how do I reset my password", outcome, 0.0, ms, stored=stored)  # type: ignore[arg-type]


def test_lost_messages_and_answered_throughput() -> None:
    records = [
        *(record("ok", float(ms)) for ms in range(1, 101)),  # 1..100 ms
        record("failure_reply", 500.0),
        record("no_reply", None, stored=False),  # no reply and not stored: lost once, not twice
        record("ok", 50.0, stored=False, channel="socketio"),  # answered, then missing from the tracker
        record("error", None, stored=None),  # the tracker could not be read: not counted as lost
    ]
    total = summarise(records, seconds=10.0)
    assert total["messages"] == 104
    assert total["messages_per_second"] == 10.2  # 100 ok + 1 failure reply + 1 ok-but-unstored
    assert (total["errors"], total["failure_replies"], total["no_reply"]) == (1, 1, 1)
    assert (total["not_stored"], total["lost"]) == (2, 2)
    assert total["p50_ms"] == 50.5 and total["p99_ms"] > 99 and total["p95_ms"] < 500
    assert by_key(records, "channel", 10.0)["socketio"]["lost"] == 1


def test_unknown_mix_is_refused_with_the_choices() -> None:
    assert [mix.name for mix in parse_mixes("kb, small_talk", ASSISTANT_MIXES)] == ["kb", "small_talk"]
    try:
        parse_mixes("kb,chitchat", ASSISTANT_MIXES)
    except ValueError as error:
        assert "chitchat" in str(error) and "small_talk" in str(error)
    else:
        raise AssertionError("an unknown mix must be refused")
