"""Rasa SDK actions for diagnostic scripts. Thin: read slots, call the engine, utter, return events.

Flow: a problem intent, the KB's "didn't solve it" button (/start_diagnostic{"diagnostic_id": ...}) or the
menu runs action_start_diagnostic, then diagnostic_form. The form asks with action_ask_diagnostic_answer;
validate_diagnostic_form feeds each reply to the engine and keeps the form open until the script ends;
action_diagnostic_done closes it (and the rules hand off on a dead end).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import problems, survey
from actions.diagnostics import familiarity
from actions.diagnostics.catalog import get_engine
from actions.diagnostics.closer_article import closer_article
from actions.diagnostics.engine import Engine, Step
from actions.diagnostics.errors import DiagnosticsError
from actions.diagnostics.schema import EscalateNode, QuestionNode
from actions.diagnostics.starting import INTRO, SKIPPED, STATE_SLOT, user_turns
from actions.diagnostics.state import State
from actions.diagnostics.triage import ARTICLE_PREFIX
from actions.diagnostics.understanding import is_explicit_yes_no, shares_words, understand
from actions.knowledge import get_knowledge_base, show_article
from knowledge_base import Hit, KnowledgeBaseError
from knowledge_base.focus import decide_focused

log = logging.getLogger(__name__)

ANSWER_SLOT = "diagnostic_answer"
LEVEL_SLOT = "diagnostic_level"
OUTCOME_SLOT = "diagnostic_outcome"
ESCALATION_SLOT = "diagnostic_escalation"
RECORD_SLOT = "support_actions"
DIGRESSION_INTENTS = {"ask_howto": 0.5, "bot_challenge": 0.8}
"""Intents answered outside the script (see data/rules/diagnostics.yml), then the script resumes."""
IN_SCRIPT_KINDS = {"dont_know", "why", "already_tried", "back", "stop", "simpler", "expert", "human"}
COMPLAINT_INTENT, COMPLAINT_CONFIDENCE = "complain", 0.5
"""A complaint mid-script ends the checks and hands off at high priority (the form runs before any rule,
so the complaint rule in data/rules/uncertainty.yml never sees it)."""


RESOLUTION_SLOT = "resolution"
"""How the conversation's problem ended: resolved_by_assistant, customer_left, handed_off, unfinished."""
OFFER_SLOT = "pending_offer"
"""What the bot just offered ("person"), so a typed "yes" or "no" answers that offer."""
SWITCH_CUE = re.compile(
    r"\b(actually|instead|forget|more urgent|urgent(ly)?|different|another|other (thing|problem|issue)|"
    r"new problem|never ?mind|leave (that|it|the)|rather|(that|it|this|the \w+) can wait|more important|"
    r"bigger problem|worse problem)\b",
    re.IGNORECASE,
)
"""Words that show the customer is moving on to another problem, not answering the step."""
SWITCH_CONFIDENCE = 0.6


def _latest(tracker: Tracker) -> tuple[str, str | None, float]:
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    return str(message.get("text") or ""), intent.get("name"), float(intent.get("confidence") or 0.0)


def _entity(tracker: Tracker) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "diagnostic_id" and entity.get("value"):
            return str(entity["value"])
    return None


def script_for(tracker: Tracker, engine: Engine) -> str | None:
    """The script named by the button/entity or the problem intent, else None (menu)."""
    _, intent, _ = _latest(tracker)
    candidates = [_entity(tracker)]
    if intent and intent.startswith("problem_"):
        candidates.append(intent.removeprefix("problem_"))
    candidates.append(tracker.get_slot("diagnostic_id") if intent == "start_diagnostic" else None)
    return next((c for c in candidates if c and c in engine.scripts), None)


def _existing_records(tracker: Tracker) -> list[dict[str, Any]]:
    existing = tracker.get_slot(RECORD_SLOT)
    return list(existing) if isinstance(existing, list) else []


def _records(tracker: Tracker, step: Step) -> list[dict[str, Any]]:
    return _existing_records(tracker) + [
        {**record, "category": record["script_id"]} for record in step.records
    ]


def _say(dispatcher: CollectingDispatcher, text: str, buttons: tuple[str, ...] = ()) -> None:
    dispatcher.utter_message(text=text, buttons=[{"title": b, "payload": b} for b in buttons] or None)


class ActionStartDiagnostic(Action):
    def name(self) -> str:
        return "action_start_diagnostic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        engine = get_engine()
        text, _, _ = _latest(tracker)
        script_id = script_for(tracker, engine)
        level = tracker.get_slot(LEVEL_SLOT) or familiarity.infer_level(text)
        words = None if text.startswith("/") else text  # the customer's own words, not a button payload
        named = problems.named_problems(words or "", get_knowledge_base)
        if named:  # "my laptop is slow and also the sound doesn't work": ask which one first
            state = problems.choice_state(named, level, user_turns(tracker))
            return [
                SlotSet(STATE_SLOT, state.to_dict()),
                SlotSet(ANSWER_SLOT, None),
                SlotSet(OUTCOME_SLOT, None),
                SlotSet(ESCALATION_SLOT, None),
                SlotSet(LEVEL_SLOT, level),
                SlotSet(problems.PENDING_SLOT, problems.pending(named)),
                SlotSet(RECORD_SLOT, [*_existing_records(tracker), problems.record(named)]),
            ]
        if script_id and words:
            article = await _closer_article(engine, script_id, words, tracker.sender_id)
            if article is not None:  # "everyone hears an echo on my Teams calls": the meeting-audio article
                events = show_article(dispatcher, tracker, article, words)
                return [*events, SlotSet(LEVEL_SLOT, level), FollowupAction("action_listen")]
        state = engine.start(script_id, level, words).evolve(turn=user_turns(tracker))
        log.info("conversation %s: starting diagnostic %s (level %s)", tracker.sender_id, script_id, level)
        if script_id:
            _say(dispatcher, INTRO.format(title=engine.script(script_id).title))
            if state.node_id != engine.script(script_id).start:
                _say(dispatcher, SKIPPED)
        return [
            SlotSet(STATE_SLOT, state.to_dict()),
            SlotSet(ANSWER_SLOT, None),
            SlotSet(OUTCOME_SLOT, None),
            SlotSet(ESCALATION_SLOT, None),
            SlotSet(LEVEL_SLOT, level),
        ]


def _about_the_step(text: str, tracker: Tracker) -> bool:
    """The question names something the step asked about or its how-to ("where's the detect thing?")."""
    state = State.from_dict(tracker.get_slot(STATE_SLOT))
    if state is None or state.script_id is None or state.node_id is None:
        return False
    node = get_engine().script(state.script_id).nodes.get(state.node_id)
    if not isinstance(node, QuestionNode):
        return False
    how_to = " ".join(node.help.steps) if node.help else ""
    return shares_words(text, f"{node.novice} {node.expert} {how_to}")


async def _kb_answers(text: str, sender_id: str) -> bool:
    """Whether the knowledge base answers this how-to question (True when it is down: its action says so)."""
    try:
        kb = await asyncio.to_thread(get_knowledge_base)
        decision = await asyncio.to_thread(decide_focused, kb, text)
    except KnowledgeBaseError:
        log.exception("conversation %s: knowledge base unavailable for a question mid-script", sender_id)
        return True
    return decision.kind == "answer"


async def _closer_article(engine: Engine, script_id: str, words: str, sender_id: str) -> Hit | None:
    """See actions/diagnostics/closer_article.py; None when the KB is down (the script starts as usual)."""
    script = engine.script(script_id)
    if script.overview_article is None:
        return None
    try:
        kb = await asyncio.to_thread(get_knowledge_base)
        decision = await asyncio.to_thread(decide_focused, kb, words)
    except KnowledgeBaseError:
        log.exception("conversation %s: knowledge base unavailable, starting %s", sender_id, script_id)
        return None
    return closer_article(script, decision)


class ActionAskDiagnosticAnswer(Action):
    def name(self) -> str:
        return "action_ask_diagnostic_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        engine = get_engine()
        state = State.from_dict(tracker.get_slot(STATE_SLOT)) or engine.start(
            None, tracker.get_slot(LEVEL_SLOT)
        )
        try:
            prompt = engine.prompt(state)
        except DiagnosticsError:
            log.exception("conversation %s: bad diagnostic state %s", tracker.sender_id, state)
            state = engine.start(None, state.level)
            prompt = engine.prompt(state)
            _say(dispatcher, prompt.text, prompt.buttons)
            return [SlotSet(STATE_SLOT, state.to_dict())]
        _say(dispatcher, prompt.text, prompt.buttons)
        return []


def _answers_the_form(tracker: Tracker) -> bool:
    """True when the latest customer message answers a step (not the message that started the script)."""
    if tracker.get_slot("requested_slot") != ANSWER_SLOT:
        return False
    state = State.from_dict(tracker.get_slot(STATE_SLOT))
    return state is not None and user_turns(tracker) > state.turn


class ValidateDiagnosticForm(FormValidationAction):
    def name(self) -> str:
        return "validate_diagnostic_form"

    async def extract_diagnostic_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not _answers_the_form(tracker):
            return {}
        text, intent, confidence = _latest(tracker)
        threshold = DIGRESSION_INTENTS.get(intent or "")
        in_script = understand(text).kind in IN_SCRIPT_KINDS or is_explicit_yes_no(text)
        # "where's the detect thing on a mac?" with no article for it is a question about this step: its own
        # how-to answers it, instead of a "no article" reply
        digresses = threshold is not None and confidence >= threshold and not in_script
        if digresses and (
            intent != "ask_howto"
            or not _about_the_step(text, tracker)
            or await _kb_answers(text, tracker.sender_id)
        ):
            return {}  # answered by a rule outside the script; the form then asks the same step again
        return {ANSWER_SLOT: text or f"/{intent}"}

    async def validate_diagnostic_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or not _answers_the_form(tracker):
            return {}  # a reset by action_start_diagnostic, not a customer answer
        engine = get_engine()
        _, intent, confidence = _latest(tracker)
        state = State.from_dict(tracker.get_slot(STATE_SLOT)) or engine.start(
            None, tracker.get_slot(LEVEL_SLOT)
        )
        switch_to = _entity(tracker) if intent == "start_diagnostic" else _other_problem(tracker, state)
        if switch_to in engine.scripts and switch_to != state.script_id:
            new = engine.start(switch_to, state.level).evolve(turn=user_turns(tracker))
            if state.script_id:
                _say(dispatcher, f'OK, let\'s leave "{engine.script(state.script_id).title}" for now.')
            _say(dispatcher, INTRO.format(title=engine.script(switch_to).title))
            return {
                ANSWER_SLOT: None,
                STATE_SLOT: new.to_dict(),
                RECORD_SLOT: _unfinished(tracker, state),
            }
        try:
            if intent == COMPLAINT_INTENT and confidence >= COMPLAINT_CONFIDENCE:
                step = engine.complaint(state, str(value))
            else:
                step = engine.answer(state, str(value), intent=intent, confidence=confidence)
        except DiagnosticsError:
            log.exception("conversation %s: diagnostic state %s is unusable", tracker.sender_id, state)
            step = Step(state.evolve(status="stopped"), understand(""))
        for message in step.messages:
            _say(dispatcher, message)
        if step.state.script_id and not state.script_id:
            _say(dispatcher, INTRO.format(title=engine.script(step.state.script_id).title))
        if state.options and step.reply.kind == "choice":
            slots_pending = problems.remaining(tracker, step.reply.value)
        slots: dict[str, Any] = {
            STATE_SLOT: step.state.to_dict(),
            LEVEL_SLOT: step.state.level,
            RECORD_SLOT: _records(tracker, step),
            ANSWER_SLOT: str(value) if step.finished else None,
        }
        if state.options and step.reply.kind == "choice":
            slots[problems.PENDING_SLOT] = slots_pending
        if step.state.reason == "complaint":
            slots["handoff_priority"] = "high"
        if step.state.status == "escalated" or step.state.reason == "complaint":
            if step.state.status == "escalated":
                slots["handoff_reason"] = step.state.reason or "script_dead_end"
            slots[ESCALATION_SLOT] = {
                "reason": step.state.reason,
                "escalation_type": step.state.escalation,
                "queue": step.state.queue,
                "script_id": step.state.script_id,
                "node_id": step.state.node_id,
            }
        log.info(
            "conversation %s: diagnostic %s at %s (%s)",
            tracker.sender_id,
            step.state.script_id,
            step.state.node_id,
            step.state.status,
        )
        return slots


def _other_problem(tracker: Tracker, state: State) -> str | None:
    """The script for a different problem the customer moved on to ("forget the monitor, outlook ..."),
    else None. A cue word is needed: an answer to a step often sounds like a problem of its own."""
    if state.options:
        return None  # "printer first, the password can wait": a choice between the problems offered
    text, intent, confidence = _latest(tracker)
    if not SWITCH_CUE.search(text):
        return None
    if intent and intent.startswith("problem_") and confidence >= SWITCH_CONFIDENCE:
        script_id = intent.removeprefix("problem_")
        if script_id != state.script_id:
            return script_id
    return problems.other_script(text, state.script_id, get_knowledge_base)


def _unfinished(tracker: Tracker, state: State) -> list[dict[str, Any]]:
    """The support record with the script the customer left for another problem marked unfinished."""
    existing = tracker.get_slot(RECORD_SLOT)
    records = list(existing) if isinstance(existing, list) else []
    if not state.script_id:
        return records
    return [
        *records,
        {
            "type": "diagnostic_step",
            "script_id": state.script_id,
            "category": state.script_id,
            "node_id": state.node_id,
            "answer": _latest(tracker)[0],
            "result": "unfinished",
        },
    ]


async def _show_chosen_article(
    dispatcher: CollectingDispatcher, tracker: Tracker, doc_id: str
) -> list[EventType]:
    try:
        kb = await asyncio.to_thread(get_knowledge_base)
        hit = await asyncio.to_thread(kb.article, doc_id)
    except KnowledgeBaseError:
        log.exception("knowledge base unavailable (conversation %s)", tracker.sender_id)
        hit = None
    if hit is None:
        _say(
            dispatcher, "Sorry, I can't open that help article right now. Tell me more, or ask for a person."
        )
        return []
    return show_article(dispatcher, tracker, hit, None)


def _ended_at_escalation_step(state: State | None) -> bool:
    if state is None or not state.script_id or not state.node_id:
        return False
    engine = get_engine()
    script = engine.scripts.get(state.script_id)
    return script is not None and isinstance(script.nodes.get(state.node_id), EscalateNode)


class ActionDiagnosticDone(Action):
    def name(self) -> str:
        return "action_diagnostic_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        state = State.from_dict(tracker.get_slot(STATE_SLOT))
        status = state.status if state else "stopped"
        reason = state.reason if state else None
        events: list[EventType] = []
        still_to_do = problems.remaining(tracker, state.script_id if state else None)
        if status == "stopped" and reason and reason.startswith(ARTICLE_PREFIX):
            # the customer picked the help-article problem of the ones they named: show it
            events += await _show_chosen_article(dispatcher, tracker, reason.removeprefix(ARTICLE_PREFIX))
            return [
                *events,
                SlotSet(OUTCOME_SLOT, None),
                SlotSet(ANSWER_SLOT, None),
                SlotSet(STATE_SLOT, None),
                SlotSet(problems.PENDING_SLOT, problems.remaining(tracker, reason)),
            ]
        if status == "resolved":
            _say(
                dispatcher,
                "Great, I'm glad that's fixed! I've noted what worked, in case it comes back."
                + ("" if still_to_do else " Is there anything else I can help with?"),
            )
            events += problems.offer_next(dispatcher, still_to_do) if still_to_do else survey.ask(dispatcher)
            outcome, resolution = "resolved", "resolved_by_assistant"
        elif status == "escalated":
            if reason == "customer_request":
                _say(dispatcher, "OK. I'll pass you to a person, with the steps we already tried.")
            elif not _ended_at_escalation_step(state):  # that step already said who takes it and why
                _say(
                    dispatcher,
                    "These checks didn't fix it, so a person needs to take a look. I'll pass on "
                    "every step we tried and what you saw, so you won't have to repeat it.",
                )
            outcome, resolution = "escalated", "handed_off"
        elif reason == "complaint":
            dispatcher.utter_message(response="utter_complain_apology")
            events.append(SlotSet(OFFER_SLOT, "person"))
            outcome, resolution = "stopped", "unfinished"
        elif reason == "customer_left":
            _say(
                dispatcher,
                "No problem, I've stopped the checks and saved what we did. If you still need help later, "
                "just message me again and we can carry on. Bye for now!",
            )
            outcome, resolution = "stopped", "customer_left"
        else:
            _say(
                dispatcher,
                "OK, I've stopped the checks. The steps we did are saved. You can ask me "
                'something else, or say "talk to a person" if you still need help.',
            )
            outcome, resolution = "stopped", "customer_left"
        return [
            *events,
            SlotSet(OUTCOME_SLOT, outcome),
            SlotSet(RESOLUTION_SLOT, resolution),
            SlotSet(ANSWER_SLOT, None),
            SlotSet(STATE_SLOT, None),
        ]
