"""Turn a Rasa tracker into what a handoff ticket needs: transcript, reason, category, summary, escalation
type and skill queue.

Plain functions over tracker events (dicts), so they are tested without a Rasa server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypedDict

from handoff.models import ESCALATION_TYPES, QUEUES

AGENT_ROLE_KEY = "handoff_role"
REASON_BY_INTENT = {
    "ask_human": "customer_request",
    "complain": "complaint",
    "nlu_fallback": "nlu_fallback",
    "out_of_scope": "nlu_fallback",
}
REASONS = ("customer_request", "complaint", "nlu_fallback", "script_dead_end", "kb_not_solved")
GENERAL_QUEUE, COMPLAINT_QUEUE = "general", "complaint"
QUEUE_BY_CATEGORY = {
    "wifi": "network",
    "vpn": "network",
    "printer": "hardware",
    "display": "hardware",
    "battery": "hardware",
    "sound": "hardware",
    "email": "software",
    "app_crash": "software",
    "slow_computer": "software",
    "login": "account",
}
_SKIP_FOR_SUMMARY = {"greet", "goodbye", "thank", "affirm", "deny", "ask_human", "bot_challenge", "cancel"}


class TranscriptLine(TypedDict):
    role: str
    text: str
    timestamp: str
    author: str | None


def _iso(stamp: Any) -> str:
    return dt.datetime.fromtimestamp(float(stamp or 0), dt.UTC).isoformat()


def transcript(events: Iterable[Mapping[str, Any]]) -> list[TranscriptLine]:
    """Customer, bot and agent messages with timestamps, in order."""
    lines: list[TranscriptLine] = []
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind not in ("user", "bot") or not text:
            continue
        metadata = event.get("metadata") or {}
        if kind == "user":
            role, author = "customer", None
        elif metadata.get(AGENT_ROLE_KEY) == "agent":
            role, author = "agent", metadata.get("agent_name")
        else:
            role, author = "bot", None
        lines.append(
            {
                "role": role,
                "text": str(text)[:10_000],
                "timestamp": _iso(event.get("timestamp")),
                "author": author,
            }
        )
    return lines


def user_intents(events: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(intent, text) of every customer message, oldest first."""
    found = []
    for event in events:
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            found.append((str(intent), str(event.get("text") or "")))
    return found


def derive_reason(slot_value: Any, latest_intent: str | None) -> str:
    if isinstance(slot_value, str) and slot_value in REASONS:
        return slot_value
    return REASON_BY_INTENT.get(latest_intent or "", "customer_request")


def category(events: Iterable[Mapping[str, Any]], support_actions: list[dict[str, Any]]) -> str | None:
    """The latest problem the customer named (problem_wifi → wifi), else the latest diagnostic's topic."""
    for intent, _ in reversed(user_intents(events)):
        if intent.startswith("problem_"):
            return intent.removeprefix("problem_")
    for action in reversed(support_actions):
        topic = action.get("category") or action.get("diagnostic_id")
        if action.get("type") == "diagnostic_step" and isinstance(topic, str):
            return topic
    return None


def diagnostic_escalation(events: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The latest `diagnostic_escalation` slot value set in the conversation, if any."""
    for event in reversed(list(events)):
        if event.get("event") == "slot" and event.get("name") == "diagnostic_escalation":
            value = event.get("value")
            return value if isinstance(value, dict) else None
    return None


class Escalation(NamedTuple):
    """How the ticket escalates (ITIL type) and which skill queue works it."""

    escalation_type: str
    queue: str


def escalation(
    reason: str, category_name: str | None, diagnostic: Mapping[str, Any] | None = None
) -> Escalation:
    """Escalation type and skill queue of a handoff.

    A complaint goes up (vertical) to the complaint queue. A diagnostic script that escalated names both
    (slot `diagnostic_escalation`: {"escalation_type", "queue", "reason", "script_id", "node_id"}). Otherwise a
    script dead end goes to specialists (technical) and anything else (customer asked, NLU fallback, KB did
    not solve it) sideways (horizontal); the queue comes from the category, else `general`."""
    if reason == "complaint":
        return Escalation("vertical", COMPLAINT_QUEUE)
    by_category = QUEUE_BY_CATEGORY.get(category_name or "", GENERAL_QUEUE)
    if isinstance(diagnostic, Mapping):
        kind, queue = diagnostic.get("escalation_type"), diagnostic.get("queue")
        if kind in ESCALATION_TYPES or queue in QUEUES:
            return Escalation(
                kind if kind in ESCALATION_TYPES else "technical",
                queue if queue in QUEUES else by_category,
            )
    return Escalation("technical" if reason == "script_dead_end" else "horizontal", by_category)


def summary(events: Iterable[Mapping[str, Any]]) -> str:
    """The customer's own words about the problem: the first substantive message, else the last one."""
    said = [(intent, text) for intent, text in user_intents(events) if text and not text.startswith("/")]
    for intent, text in said:
        if intent not in _SKIP_FOR_SUMMARY:
            return text[:500]
    return said[-1][1][:500] if said else ""


def contact_time(events: Iterable[Mapping[str, Any]]) -> str | None:
    for event in events:
        if event.get("event") == "user":
            return _iso(event.get("timestamp"))
    return None
