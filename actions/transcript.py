"""Turn a Rasa tracker into what a handoff ticket needs: transcript, reason, category, summary, escalation
type and skill queue.

Plain functions over tracker events (dicts), so they are tested without a Rasa server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypedDict

from handoff.models import ESCALATION_TYPES, QUEUES
from handoff.routing import COMPLAINT_QUEUE, GENERAL_QUEUE, QUEUE_BY_CATEGORY

AGENT_ROLE_KEY = "handoff_role"
REASON_BY_INTENT = {
    "ask_human": "customer_request",
    "complain": "complaint",
    "nlu_fallback": "nlu_fallback",
    "out_of_scope": "nlu_fallback",
}
REASONS = ("customer_request", "complaint", "nlu_fallback", "script_dead_end", "kb_not_solved")
RESULT_LABELS = {
    "fixed": "said it is fixed",
    "not_fixed": "said it is not fixed",
    "escalated": "reached a step that needs a person",
    "complained": "complained",
    "asked_for_person": "asked for a person",
    "asked_why": "asked why",
    "asked_question": "asked a question",
    "already_tried": "had already tried it",
    "checking": "went to check",
    "dont_know": "was not sure",
    "went_back": "went back a step",
    "stopped": "stopped the checks",
    "unclear": "answer not understood",
}
OUTCOME_BY_REASON = {
    "customer_request": "asked for a person",
    "complaint": "complained",
    "nlu_fallback": "the bot did not understand",
    "script_dead_end": "the checks did not fix it",
    "kb_not_solved": "the help articles did not solve it",
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


def result_label(result: Any) -> str:
    """What the customer did at a step, in words (`revised:<node>` = corrected an earlier answer)."""
    text = str(result or "")
    if text.startswith("revised:"):
        return "corrected an earlier answer"
    if text.startswith("level_"):
        return f"asked for {text.removeprefix('level_')} steps"
    return RESULT_LABELS.get(text, text.replace("_", " ") or "answered")


def step_title(node_id: Any) -> str:
    """A script node id as a step title: `check_wifi_on` → "Check wifi on"."""
    words = str(node_id or "").replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else "Step"


def troubleshooting_record(
    support_actions: Any, script_titles: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The support actions sent with a ticket, each diagnostic step named: the script's title, the step's
    title, its question, the customer's answer and what it meant (`result_label`). Non-dicts are dropped."""
    titles = script_titles or {}
    named: list[dict[str, Any]] = []
    for action in support_actions if isinstance(support_actions, list) else []:
        if not isinstance(action, dict):
            continue
        if action.get("type") == "diagnostic_step":
            script_id = str(action.get("script_id") or action.get("diagnostic_id") or "")
            action = {
                **action,
                "script_title": titles.get(script_id) or (step_title(script_id) if script_id else None),
                "step_title": step_title(action.get("node_id") or action.get("step")),
                "result_label": result_label(action.get("result")),
            }
        named.append(action)
    return named


def need_summary(events: Iterable[Mapping[str, Any]], record: list[dict[str, Any]], reason: str) -> str:
    """One line an agent reads first: the problem (the customer's words, else the script's title), what was
    tried, and why it came to a person."""
    events = list(events)
    words = summary(events).replace("\n", " ").strip()
    steps = [a for a in record if a.get("type") == "diagnostic_step"]
    articles = [a for a in record if a.get("type") == "kb_article"]
    topic = steps[-1].get("script_title") if steps else None
    parts = [f"{topic}: \u201c{words}\u201d" if topic and words else (words or topic or "Needs help")]
    tried = []
    if steps:
        asked = {(s.get("script_title"), s.get("step_title")) for s in steps}
        tried.append(f"{len(asked)} check{'s' if len(asked) != 1 else ''} done")
    if articles:
        unhelpful = sum(1 for a in articles if a.get("helped") is False)
        tried.append(
            f"{len(articles)} help article{'s' if len(articles) != 1 else ''} shown"
            + (f", {unhelpful} did not help" if unhelpful else "")
        )
    outcome = OUTCOME_BY_REASON.get(reason, "needs a person")
    line = " — ".join([parts[0], ", ".join(tried) + f"; {outcome}" if tried else outcome])
    return line[:500]
