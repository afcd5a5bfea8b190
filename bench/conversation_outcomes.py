"""What the assistant did in one turn, read from what it recorded (tracker events, slots, tickets).

Pure functions, no I/O, so the mapping is unit-tested on hand-built trackers. The mapping is documented in
docs/conversations.md; keep the two in step. A turn's outcome is never read from the bot's wording: only from
action names, response names (``utter_*``), slots, the active loop and handoff tickets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

Event = Mapping[str, Any]
Ticket = Mapping[str, Any]

SMALLTALK_RESPONSES = frozenset(
    {"utter_greet", "utter_goodbye", "utter_youre_welcome", "utter_thanks", "utter_noise_greet"}
)
DISCLOSURE_RESPONSES = frozenset({"utter_iamabot"})
OUT_OF_SCOPE_RESPONSES = frozenset({"utter_out_of_scope"})
APOLOGY_RESPONSES = frozenset({"utter_complaint_apology", "utter_complain_apology"})
NO_ANSWER_RESPONSES = frozenset({"utter_main_topics", "utter_default", "utter_noise"})
NO_ANSWER_ACTIONS = frozenset({"action_default_fallback"})
LANGUAGE_RESPONSE = "utter_unsupported_language"
DIAGNOSTIC_FORM = "diagnostic_form"
DIAGNOSTIC_ASK = "action_ask_diagnostic_answer"
"""Rasa runs a form's ask action inside the form and logs no event for it: the form action plus
`requested_slot` show that the script asked its question."""
DIAGNOSTIC_SLOT = "diagnostic_answer"
REQUEST_FORM = "service_request_form"
HANDOFF_ACTION = "action_request_human"
WHY_RESULTS = frozenset({"asked_why"})
HOW_RESULTS = frozenset({"asked_question", "dont_know"})
NOT_A_CHOICE_INTENTS = frozenset(
    {"affirm", "deny", "ask_human", "request_callback", "decline_callback", "cancel_handoff"}
)
"""Button payloads that are yes/no or "get me a person": they never make a reply a clarifying question."""
CLARIFY_MIN_OPTIONS, CLARIFY_MAX_OPTIONS = 2, 3


@dataclass(frozen=True)
class Outcome:
    """One thing the assistant did. ``kind`` is an outcome of the spec format, or a diagnostic label
    (``kb_miss_guessed_topics``, ``*_unrecorded``) that no expectation matches but that shows what happened."""

    kind: str
    articles: frozenset[str] = field(default_factory=frozenset)
    script: str | None = None
    step: str | None = None
    reason: str | None = None

    def label(self) -> str:
        keys = [
            f"article={'|'.join(sorted(self.articles))}" if self.articles else "",
            f"script={self.script}" if self.script else "",
            f"step={self.step}" if self.step else "",
            f"reason={self.reason}" if self.reason else "",
        ]
        inner = ", ".join(k for k in keys if k)
        return f"{self.kind}({inner})" if inner else self.kind


@dataclass(frozen=True)
class Turn:
    """What one customer message changed. ``before``: tracker events up to (not including) the message's
    user event; ``during``: that user event and everything after it; tickets: this conversation's handoff
    tickets before and after the message."""

    before: Sequence[Event]
    during: Sequence[Event]
    tickets_before: Sequence[Ticket] = ()
    tickets_after: Sequence[Ticket] = ()
    active_loop_after: str | None = None


def slot_values(events: Iterable[Event]) -> dict[str, Any]:
    """Slot values after replaying the slot events (a reset/restart clears them)."""
    values: dict[str, Any] = {}
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            values[str(event.get("name"))] = event.get("value")
        elif kind in ("restart", "reset_slots"):
            values.clear()
    return values


def slots_set(events: Iterable[Event]) -> dict[str, Any]:
    """Slots set by these events, with the last value each got."""
    return {str(e.get("name")): e.get("value") for e in events if e.get("event") == "slot"}


def action_names(events: Iterable[Event]) -> list[str]:
    names = [str(e.get("name")) for e in events if e.get("event") == "action" and e.get("name")]
    names += [
        str((e.get("metadata") or {}).get("utter_action"))
        for e in events
        if e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action")
    ]
    return names


def bot_events(events: Iterable[Event]) -> list[Event]:
    return [e for e in events if e.get("event") == "bot"]


def _response_of(event: Event) -> str | None:
    """The domain response a bot event came from (Rasa records it for rules and custom actions alike)."""
    return (event.get("metadata") or {}).get("utter_action")


def buttons_of(event: Event) -> list[Mapping[str, Any]]:
    data = event.get("data") or {}
    return list(data.get("buttons") or data.get("quick_replies") or [])


def _intent_of(payload: str) -> str | None:
    if not payload.startswith("/"):
        return None
    return payload[1:].split("{", 1)[0].strip() or None


def _choice_buttons(event: Event) -> list[Mapping[str, Any]]:
    """Buttons that offer a choice between things (articles, scripts, problems), not yes/no or a person."""
    chosen = []
    for button in buttons_of(event):
        intent = _intent_of(str(button.get("payload") or ""))
        if intent is not None and intent not in NOT_A_CHOICE_INTENTS:
            chosen.append(button)
    return chosen


def _new_records(before: Mapping[str, Any], during: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """support_actions records added in this turn (the slot only ever grows within a conversation)."""
    if "support_actions" not in during:
        return []
    old = before.get("support_actions")
    new = during.get("support_actions")
    old_list = old if isinstance(old, list) else []
    if not isinstance(new, list):
        return []
    added = (
        new[len(old_list) :] if new[: len(old_list)] == old_list else [r for r in new if r not in old_list]
    )
    return [r for r in added if isinstance(r, Mapping)]


def _article_ids(doc_id: str, records: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    """The article's id and the stem of the file it came from (an FAQ row `faq-…` also counts as `faq`)."""
    ids = {doc_id}
    for record in records:
        if record.get("type") == "kb_article" and record.get("doc_id") == doc_id and record.get("source"):
            source = str(record["source"]).split("#", 1)[0]
            ids.add(PurePosixPath(source).stem)
    return frozenset(ids)


def _kb_outcomes(
    turn: Turn, set_now: Mapping[str, Any], records: Sequence[Mapping[str, Any]]
) -> list[Outcome]:
    found: list[Outcome] = []
    doc_id = set_now.get("kb_pending_doc_id")
    if doc_id:
        found.append(Outcome("answer", articles=_article_ids(str(doc_id), records)))
    misses = set_now.get("kb_miss_count")
    bots = bot_events(turn.during)
    if isinstance(misses, int | float) and misses >= 1:
        guessed = any(_choice_buttons(e) for e in bots if _response_of(e) not in NO_ANSWER_RESPONSES)
        found.append(Outcome("kb_miss_guessed_topics" if guessed else "no_answer"))
    elif _kb_clarified(set_now, bots):
        found.append(Outcome("clarify"))
    return found


def _kb_clarified(set_now: Mapping[str, Any], bots: Sequence[Event]) -> bool:
    """The KB's own clarify decision: a new query, no article shown, close articles offered as buttons."""
    if set_now.get("kb_pending_doc_id") or "kb_last_query" not in set_now or set_now.get("kb_shown") != []:
        return False
    return any(CLARIFY_MIN_OPTIONS <= len(_choice_buttons(e)) <= CLARIFY_MAX_OPTIONS for e in bots)


def _script_outcomes(
    turn: Turn, set_now: Mapping[str, Any], after: Mapping[str, Any], records: Sequence[Mapping[str, Any]]
) -> list[Outcome]:
    found: list[Outcome] = []
    state = after.get("diagnostic_state")
    actions = action_names(turn.during)
    running = (
        turn.active_loop_after == DIAGNOSTIC_FORM
        and isinstance(state, Mapping)
        and state.get("status", "running") == "running"
        and state.get("script_id")
    )
    asked = (DIAGNOSTIC_ASK in actions or DIAGNOSTIC_FORM in actions) and after.get(
        "requested_slot"
    ) == DIAGNOSTIC_SLOT
    if running and asked:
        found.append(Outcome("script", script=str(state["script_id"]), step=state.get("node_id")))
    if _asks_which_problem(turn, state, asked):
        found.append(Outcome("clarify"))
    step_results = {str(r.get("result")) for r in records if r.get("type") == "diagnostic_step"}
    if running and step_results & WHY_RESULTS:
        found.append(Outcome("why", script=str(state["script_id"]), step=state.get("node_id")))
    if running and step_results & HOW_RESULTS:
        found.append(Outcome("how", script=str(state["script_id"]), step=state.get("node_id")))
    outcome = set_now.get("diagnostic_outcome")
    if outcome == "resolved" and set_now.get("resolution") != "resolved_by_assistant":
        found.append(Outcome("script_resolved_unrecorded"))
    if outcome == "stopped" and not set_now.get("resolution"):
        found.append(Outcome("script_stopped_unrecorded"))
    return found


def _asks_which_problem(turn: Turn, state: Any, asked: bool) -> bool:
    """Two or three problems named in one message: the diagnostic form asks which to start with (its state has
    no script yet and lists the problems as `options`)."""
    if turn.active_loop_after != DIAGNOSTIC_FORM or not asked or not isinstance(state, Mapping):
        return False
    options = state.get("options") or []
    return state.get("script_id") is None and CLARIFY_MIN_OPTIONS <= len(options) <= CLARIFY_MAX_OPTIONS


def _ticket_outcomes(turn: Turn) -> list[Outcome]:
    found: list[Outcome] = []
    known = {t.get("ticket_id") for t in turn.tickets_before}
    new = [t for t in turn.tickets_after if t.get("ticket_id") not in known]
    if not new and HANDOFF_ACTION in action_names(turn.during):
        # "you are already in the queue": the open ticket answers this ask too
        new = [t for t in turn.tickets_after if t.get("status") in ("waiting", "assigned", "offline")][-1:]
    for ticket in new:
        if ticket.get("ticket_type") == "request":
            found.append(Outcome("request"))
            continue
        reason = ticket.get("reason")
        found.append(Outcome("handoff", reason=str(reason) if reason else None))
        if reason == "complaint":
            found.append(Outcome("apology", reason="complaint"))
    return found


def turn_outcomes(turn: Turn) -> list[Outcome]:
    """Everything the assistant did in reply to this message (several outcomes can hold at once)."""
    before = slot_values(turn.before)
    set_now = slots_set(turn.during)
    after = {**before, **set_now}
    records = _new_records(before, set_now)
    names = set(action_names(turn.during))
    found = _kb_outcomes(turn, set_now, records)
    found += _script_outcomes(turn, set_now, after, records)
    found += _ticket_outcomes(turn)

    if turn.active_loop_after == REQUEST_FORM and after.get("requested_slot"):
        found.append(Outcome("request"))
    if set_now.get("resolution") == "resolved_by_assistant":
        found.append(Outcome("resolved"))
    if set_now.get("resolution") == "customer_left" and turn.active_loop_after is None:
        found.append(Outcome("ended"))
    if LANGUAGE_RESPONSE in names and after.get("customer_language") not in (None, "", "en"):
        found.append(Outcome("language"))
    if names & SMALLTALK_RESPONSES:
        found.append(Outcome("smalltalk"))
    if names & DISCLOSURE_RESPONSES:
        found.append(Outcome("disclosure"))
    if names & OUT_OF_SCOPE_RESPONSES and not set_now.get("kb_pending_doc_id"):
        found.append(Outcome("out_of_scope"))
    if names & APOLOGY_RESPONSES and not any(o.kind == "apology" for o in found):
        found.append(Outcome("apology"))
    if (names & NO_ANSWER_RESPONSES or names & NO_ANSWER_ACTIONS) and not any(
        o.kind in ("no_answer", "kb_miss_guessed_topics") for o in found
    ):
        found.append(Outcome("no_answer"))
    if not any(o.kind in ("clarify", "kb_miss_guessed_topics", "script") for o in found):
        found += _generic_clarify(turn, names)
    return found


def _generic_clarify(turn: Turn, names: set[str]) -> list[Outcome]:
    """Two or three choices offered as buttons by anything else (e.g. which of two problems to start with);
    the fixed main-topics menu is a no-answer, never a clarify."""
    if names & NO_ANSWER_RESPONSES:
        return []
    for event in bot_events(turn.during):
        if _response_of(event) in NO_ANSWER_RESPONSES:
            continue
        if CLARIFY_MIN_OPTIONS <= len(_choice_buttons(event)) <= CLARIFY_MAX_OPTIONS:
            return [Outcome("clarify")]
    return []


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _matches(outcome: Outcome, expect: Mapping[str, Any]) -> bool:
    if outcome.kind == "answer":
        wanted = set(_as_list(expect.get("article")))
        return not wanted or bool(wanted & outcome.articles)
    if outcome.kind == "script":
        scripts = _as_list(expect.get("script"))
        if scripts and outcome.script not in scripts:
            return False
        step = expect.get("step")
        return step is None or outcome.step == str(step)
    if outcome.kind == "handoff":
        reason = expect.get("reason")
        return reason is None or outcome.reason == str(reason)
    return True


def expected_kinds(expect: Mapping[str, Any]) -> list[str]:
    return _as_list(expect.get("outcome"))


def turn_passes(expect: Mapping[str, Any], outcomes: Sequence[Outcome]) -> bool:
    """True when any outcome of an expected kind matches that kind's own extra keys."""
    kinds = set(expected_kinds(expect))
    return any(o.kind in kinds and _matches(o, expect) for o in outcomes)
