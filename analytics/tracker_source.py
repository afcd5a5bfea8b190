"""Read conversations out of Rasa's SQL tracker store (its `events` table): a SQLite file read with plain
sqlite3, or PostgreSQL (the cluster profile, `TRACKER_DB` a postgresql:// URL) read through asyncpg.

Rasa's SQLTrackerStore keeps one row per event: sender_id, type_name, timestamp (epoch seconds), intent_name,
action_name and `data`, the event as JSON. A new session starts at each `session_started` event.

Not every `user` event is the customer: the handoff service's `/conversations/{id}/trigger_intent` (an agent
resolved the ticket, the customer left the queue...) is stored by Rasa 3.6 as a user event whose text is
"EXTERNAL: <intent>" and whose metadata says `is_external`; a button's payload is "/<intent>{...}". Neither is
counted as a customer message, and a session with nothing else is not a conversation."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analytics import postgres_rows
from analytics.records import Conversation
from analytics.settings import AnalyticsError

# rasa.shared.core.constants.EXTERNAL_MESSAGE_PREFIX and IS_EXTERNAL (Rasa 3.6)
EXTERNAL_PREFIX = "EXTERNAL: "
IS_EXTERNAL = "is_external"
_QUERY = (
    "SELECT sender_id, type_name, action_name, timestamp, data FROM events ORDER BY sender_id, timestamp, id"
)
Row = tuple[str, str, str | None, float | None, str | None]

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


def customer_text(data: dict[str, Any]) -> str | None:
    """What the customer wrote in this `user` event, or None when it is not the customer's message (an
    external trigger from the handoff service, a button's intent payload, an empty text)."""
    text = str(data.get("text") or "").strip()
    meta = data.get("metadata")
    if isinstance(meta, dict) and meta.get(IS_EXTERNAL):
        return None
    if not text or text.startswith(("/", EXTERNAL_PREFIX)):
        return None
    return text


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
            text = customer_text(data)
            if text is None:
                return  # a button payload or the handoff service's trigger: kept out, slots still read
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


def _sqlite_rows(path: Path) -> Iterator[Row]:
    conn = open_readonly(path)
    conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")  # a bad byte is shown as '?'
    try:
        try:
            rows = conn.execute(_QUERY)
        except sqlite3.DatabaseError as exc:
            raise AnalyticsError(f"{path} is not a Rasa tracker database: {exc}") from None
        yield from rows
    finally:
        conn.close()


def event_rows(target: Path | str) -> Iterator[Row]:
    """The events table ordered by sender and time, from a SQLite file or a postgresql:// URL."""
    if isinstance(target, str) and postgres_rows.is_postgres_url(target):
        return postgres_rows.rows(target, _QUERY, "TRACKER_DB")  # type: ignore[return-value]
    return _sqlite_rows(Path(target))


def read_conversations(
    target: Path | str, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> Iterator[Conversation]:
    """Every session with at least one customer message that starts in [since, until)."""
    current: _Builder | None = None
    for sender_id, type_name, action_name, timestamp, raw in event_rows(target):
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
