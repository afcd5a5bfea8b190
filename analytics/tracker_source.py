"""Read conversations out of Rasa's SQL tracker store (its `events` table) with plain sqlite3.

Rasa's SQLTrackerStore keeps one row per event: sender_id, type_name, timestamp (epoch seconds), intent_name,
action_name and `data`, the event as JSON. A new session starts at each `session_started` event."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analytics.records import Conversation
from analytics.settings import AnalyticsError

EVENTS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL,"
    " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255),"
    " data TEXT, PRIMARY KEY (id));\n"
    "CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id);"
)


def open_readonly(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise AnalyticsError(f"database not found: {path} (set TRACKER_DB / HANDOFF_DB)")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


class _Builder:
    def __init__(self, sender_id: str, number: int) -> None:
        self.sender_id, self.number = sender_id, number
        self.conversation: Conversation | None = None
        self.last: float = 0.0

    def add(self, type_name: str, timestamp: float, data: dict[str, Any]) -> None:
        self.last = max(self.last, timestamp)
        conv = self.conversation
        if type_name == "user":
            text = str(data.get("text") or "")
            if conv is None:
                meta = data.get("metadata") or {}
                conv = self.conversation = Conversation(
                    conversation_id=f"{self.sender_id}#{self.number}",
                    sender_id=self.sender_id,
                    customer=str(meta.get("customer_id") or self.sender_id),
                    channel=str(data.get("input_channel") or "unknown"),
                    started=_utc(timestamp),
                    ended=_utc(timestamp),
                    site=(meta.get("site") or meta.get("network")) if isinstance(meta, dict) else None,
                )
            if text and not text.startswith("/"):
                conv.texts.append(text)
            return
        if conv is None:
            return
        if type_name == "bot" and conv.first_bot_reply is None:
            conv.first_bot_reply = _utc(timestamp)
        elif type_name == "slot":
            self._slot(conv, str(data.get("name")), data.get("value"))

    @staticmethod
    def _slot(conv: Conversation, name: str, value: Any) -> None:
        if name == "resolution" and value:
            conv.resolution = str(value)
        elif name == "kb_miss_count" and isinstance(value, int | float) and value > 0:
            conv.kb_missed = True
        elif name == "support_actions" and isinstance(value, list):
            helped = [r.get("helped") for r in value if isinstance(r, dict) and r.get("type") == "kb_article"]
            conv.kb_not_helped = conv.kb_not_helped or False in helped
            conv.kb_helped = conv.kb_helped or True in helped
        elif name == "handoff_rating" and value is not None:
            try:
                rating = round(float(value))
            except (TypeError, ValueError):
                return
            if 1 <= rating <= 5:
                conv.survey_rating = rating
        elif name == "handoff_comment" and isinstance(value, str):
            text = value.strip()
            if text and not text.startswith("/") and text.lower() not in {"skip", "no"}:
                conv.survey_comment = text[:2000]
        elif name == "diagnostic_id" and value:
            conv.diagnostic_id = str(value)
        elif name == "diagnostic_outcome" and value:
            conv.diagnostic_outcome = str(value)
        elif name == "diagnostic_state" and isinstance(value, dict):
            conv.diagnostic_id = str(value.get("script_id") or conv.diagnostic_id or "") or None
            conv.diagnostic_node = str(value.get("node_id") or "") or conv.diagnostic_node

    def finish(self) -> Conversation | None:
        if self.conversation is not None:
            self.conversation.ended = _utc(self.last)
        return self.conversation


def read_conversations(
    path: Path, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> Iterator[Conversation]:
    """Every session with at least one customer message that starts in [since, until)."""
    conn = open_readonly(path)
    conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")  # a bad byte is shown as '?'
    try:
        rows = conn.execute(
            "SELECT sender_id, type_name, action_name, timestamp, data FROM events ORDER BY sender_id, timestamp, id"
        )
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise AnalyticsError(f"{path} is not a Rasa tracker database: {exc}") from None
    try:
        current: _Builder | None = None
        for sender_id, type_name, action_name, timestamp, raw in rows:
            if action_name == "action_session_start":
                continue  # belongs to the session it opens, which starts at the next session_started
            if current is None or current.sender_id != sender_id or type_name == "session_started":
                if current is not None:
                    yield from _keep(current.finish(), since, until)
                number = current.number + 1 if current and current.sender_id == sender_id else 1
                current = _Builder(sender_id, number)
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {}
            current.add(type_name, float(timestamp or 0), data if isinstance(data, dict) else {})
        if current is not None:
            yield from _keep(current.finish(), since, until)
    finally:
        conn.close()


def _keep(
    conv: Conversation | None, since: dt.datetime | None, until: dt.datetime | None
) -> Iterator[Conversation]:
    if conv is None:
        return
    if since and conv.started < since:
        return
    if until and conv.started >= until:
        return
    yield conv
