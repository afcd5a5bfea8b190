"""Conversations read back from rows in Rasa's SQL tracker-store layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analytics import satisfaction
from analytics.demo import _Tracker
from analytics.settings import AnalyticsError
from analytics.tracker_source import customer_text, read_conversations

T0 = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC).timestamp()


def session(tracker: _Tracker, sender: str, t: float) -> None:
    tracker.action(sender, t - 1, "action_session_start")
    tracker.event(sender, {"event": "session_started", "timestamp": t - 1})
    tracker.action(sender, t - 1, "action_listen")


def test_sessions_slots_and_the_assistant_survey(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    tracker = _Tracker(db)
    session(tracker, "ann", T0)
    tracker.user("ann", T0, "my disk is full", "ask_howto", "telegram", {"site": "Leeds office"})
    tracker.bot("ann", T0 + 1.5, "This article should help.")
    tracker.slot(
        "ann", T0 + 60, "support_actions", [{"type": "kb_article", "doc_id": "disk-full", "helped": True}]
    )
    tracker.slot("ann", T0 + 61, "resolution", "resolved_by_assistant")
    tracker.user("ann", T0 + 70, "/rate_handoff", "rate_handoff", "telegram", {})
    tracker.slot("ann", T0 + 70, "handoff_rating", 4.0)
    tracker.slot("ann", T0 + 80, "handoff_comment", "quick, thanks")
    tracker.slot("ann", T0 + 81, "handoff_rating", None)  # the action resets both after saving
    tracker.slot("ann", T0 + 81, "handoff_comment", None)
    session(tracker, "ann", T0 + 86400)  # next day: a new session, whose opening action is not day one's end
    tracker.user("ann", T0 + 86400, "<b>vpn</b> broken", "ask_howto", "telegram", {})
    tracker.slot("ann", T0 + 86401, "kb_miss_count", 1.0)
    tracker.close()

    first, second = read_conversations(db)
    assert (first.conversation_id, second.conversation_id) == ("ann#1", "ann#2")
    assert first.channel == "telegram" and first.site == "Leeds office" and first.texts == ["my disk is full"]
    assert (first.first_bot_reply - first.started).total_seconds() == pytest.approx(1.5)
    assert first.ended.timestamp() == pytest.approx(T0 + 81)
    assert first.kb_helped and first.resolution == "resolved_by_assistant"
    assert (first.survey_rating, first.survey_comment) == (4, "quick, thanks")
    assert second.kb_missed and second.first_text == "<b>vpn</b> broken" and second.survey_rating is None
    assert satisfaction.compute([first, second])["assistant"] == {
        "asked": 1,
        "rated": 1,
        "mean": 4.0,
        "share_4_5": 1.0,
        "response_rate": 1.0,
    }
    since = dt.datetime.fromtimestamp(T0 + 3600, dt.UTC)
    assert [c.conversation_id for c in read_conversations(db, since=since)] == ["ann#2"]


def test_missing_or_foreign_database_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnalyticsError, match="database not found"):
        list(read_conversations(tmp_path / "nope.db"))
    other = tmp_path / "other.db"
    other.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(AnalyticsError, match="not a Rasa tracker database"):
        list(read_conversations(other))


def test_handoff_triggers_and_button_payloads_are_not_customer_messages(tmp_path: Path) -> None:
    """Rasa 3.6 stores the handoff service's `trigger_intent` as a user event "EXTERNAL: <intent>" with
    metadata is_external; a button sends "/<intent>". A manager counting conversations and reading customers'
    words must see neither."""
    db = tmp_path / "tracker.db"
    tracker = _Tracker(db)
    session(tracker, "kim", T0)
    tracker.user("kim", T0, "printer says offline", "printer_problem", "socketio", {})
    tracker.bot("kim", T0 + 2, "I will pass you to a person.")
    external = {"is_external": True}
    tracker.user("kim", T0 + 3600, "EXTERNAL: handoff_resolved", "handoff_resolved", "socketio", external)
    tracker.bot("kim", T0 + 3601, "How would you rate the help you got?")
    tracker.user("kim", T0 + 3650, '/rate_handoff{"handoff_rating": 2}', "rate_handoff", "socketio", {})
    tracker.slot("kim", T0 + 3650, "handoff_rating", 2)
    # the next day, a trigger alone opens a new session (the customer had left): not a conversation
    session(tracker, "kim", T0 + 86400)
    tracker.user("kim", T0 + 86400, "EXTERNAL: handoff_agent_joined", "handoff_agent_joined", "socketio", {})
    tracker.bot("kim", T0 + 86401, "An agent has joined.")
    session(tracker, "lee", T0)  # only button presses: not a conversation either
    tracker.user("lee", T0, "/greet", "greet", "telegram", {})
    tracker.bot("lee", T0 + 1, "Hello! What can I help with?")
    tracker.user("lee", T0 + 5, "/affirm", "affirm", "telegram", {})
    session(tracker, "max", T0)  # a trigger first, then the customer writes: the conversation starts there
    tracker.user("max", T0, "EXTERNAL: handoff_resolved", "handoff_resolved", "slack", external)
    tracker.bot("max", T0 + 1, "Your ticket is resolved.")
    tracker.user("max", T0 + 300, "thanks, it works now", "thank", "slack", {"site": "York"})
    tracker.bot("max", T0 + 302, "Glad to hear it.")
    tracker.close()

    conversations = list(read_conversations(db))
    assert [c.conversation_id for c in conversations] == ["kim#1", "max#1"]
    kim, max_ = conversations
    assert kim.texts == ["printer says offline"] and kim.survey_rating == 2
    assert kim.ended.timestamp() == pytest.approx(T0 + 3650)
    assert max_.texts == ["thanks, it works now"] and max_.site == "York" and max_.channel == "slack"
    assert max_.started.timestamp() == pytest.approx(T0 + 300)
    assert (max_.first_bot_reply - max_.started).total_seconds() == pytest.approx(2)


def test_customer_text_rules() -> None:
    assert customer_text({"text": "EXTERNAL: handoff_resolved"}) is None
    assert customer_text({"text": "ok", "metadata": {"is_external": True}}) is None
    assert customer_text({"text": '/rate{"x": 1}'}) is None
    assert customer_text({"text": "   "}) is None
    assert customer_text({"text": " my VPN drops "}) == "my VPN drops"
