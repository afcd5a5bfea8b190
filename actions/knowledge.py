"""Knowledge-base actions: answer from the KB, and handle "Did this solve it?".

Thin on purpose: read slots, call the KB (blocking work in a thread), utter, return events. The KB and
its model load lazily behind one cached getter, on the first question, never at import time.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import app_names, follow_up, problems, survey
from actions import knowledge_replies as replies
from actions.diagnostics.catalog import get_engine
from actions.diagnostics.familiarity import Level, infer_level, without_self_description
from actions.diagnostics.reported_problem import script_for_report
from actions.diagnostics.starting import INTRO, start_script, user_turns
from actions.diagnostics.understanding import (
    accepts,
    denies,
    reports_working,
    says_fixed,
    still_broken,
    tried_everything,
)
from knowledge_base import Hit, KnowledgeBase, KnowledgeBaseError
from knowledge_base.focus import decide_focused

log = logging.getLogger(__name__)

DEFAULT_INDEX_DIR = "var/kb_index"
NEXT_ARTICLE_CANDIDATES = 6
MISSES_BEFORE_PERSON = 2
PERSON_OFFER = "person"
"""The `pending_offer` value while the customer is asked whether they want a person (actions/conversation.py)."""


@lru_cache(maxsize=4)
def _load(index_dir: str) -> KnowledgeBase:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return KnowledgeBase.load(index_dir)


def get_knowledge_base() -> KnowledgeBase:
    """The KB for the index in KB_INDEX_DIR, loaded once (a failed load is retried next time)."""
    return _load(os.environ.get("KB_INDEX_DIR") or DEFAULT_INDEX_DIR)


def _utter(dispatcher: CollectingDispatcher, reply: replies.Reply) -> None:
    if reply.buttons:
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
    else:
        dispatcher.utter_message(text=reply.text)


def article_link(hit: Hit) -> str:
    """Where the customer can read the whole article: its own URL, else its page on the help center that
    the handoff service serves (HELP_CENTER_URL, e.g. http://host:8300/help), else its source file."""
    if hit.url:
        return hit.url
    help_center = (os.environ.get("HELP_CENTER_URL") or "").rstrip("/")
    return f"{help_center}/{quote(hit.doc_id)}" if help_center else hit.source


def _shown_record(tracker: Tracker, hit: Hit) -> SlotSet:
    records = copy.deepcopy(tracker.get_slot("support_actions") or [])
    records.append(
        {
            "type": "kb_article",
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "doc_id": hit.doc_id,
            "title": hit.title,
            "source": hit.citation,
            "helped": None,
        }
    )
    return SlotSet("support_actions", records)


def show_article(
    dispatcher: CollectingDispatcher, tracker: Tracker, hit: Hit, query: str | None
) -> list[EventType]:
    """Utter the article; `query` is set for a new question (a new topic), None for a button choice."""
    for reply in replies.answer_replies(hit, article_link(hit)):
        _utter(dispatcher, reply)
    shown = [] if query is not None else list(tracker.get_slot("kb_shown") or [])
    if hit.doc_id not in shown:
        shown.append(hit.doc_id)
    events: list[EventType] = [
        _shown_record(tracker, hit),
        SlotSet("kb_pending_doc_id", hit.doc_id),
        SlotSet("kb_shown", shown),
        SlotSet("kb_miss_count", 0.0),
    ]
    if query is not None:
        events.append(SlotSet("kb_last_query", query))
    return events


def _article_id(tracker: Tracker) -> str | None:
    entity = next(tracker.get_latest_entity_values("kb_article_id"), None)
    return str(entity or tracker.get_slot("kb_article_id") or "") or None


GUESS_MIN_CONFIDENCE = 0.25
"""A below-threshold intent still decides between "not IT" / "a complaint" and a plain no-answer when the KB
has nothing: neither guesses an IT answer."""


COMPLAINT_GUESS_MIN = 0.4
"""A complaint guess needs more: plain complaints are read in NLU (bot/components/complaints.py), and a weak
one ("confession: i never shut my laptop down ... true? what should i be doing", 0.29) is a question."""


SMALL_TALK_GUESSES = {"greet": "utter_greet", "thank": "utter_youre_welcome"}
SMALL_TALK_MIN = 0.4
"""A message the KB has nothing for that leans clearly to a greeting or thanks is answered as one, not with
"I couldn't find a help article"."""


def _best_guess(tracker: Tracker) -> str | None:
    """ "out_of_scope", "complain", "greet" or "thank" when that is what the classifier leaned to, else None.

    A how-to reading only says the message is a question ("whats the quickest way to heathrow for a 5pm
    flight"); when the KB has nothing for it and "not IT" comes next, "not IT" is the better guess."""
    ranking = [
        e for e in tracker.latest_message.get("intent_ranking") or [] if e.get("name") != "nlu_fallback"
    ]
    for position, entry in enumerate(ranking[:2]):
        name = entry.get("name")
        if (
            position == 0
            and name in SMALL_TALK_GUESSES
            and float(entry.get("confidence") or 0) >= SMALL_TALK_MIN
        ):
            return str(name)  # "nothing wrong, just wanted to see if this chat works. thanks!"
        confidence = float(entry.get("confidence") or 0)
        confident = confidence >= (COMPLAINT_GUESS_MIN if name == "complain" else GUESS_MIN_CONFIDENCE)
        if name in ("out_of_scope", "complain") and confident and (position == 0 or name == "out_of_scope"):
            return str(name)
        if name != "ask_howto":
            return None
    return None


ESCALATION_MATCH = 0.55
"""Similarity of the customer's report to the article's "if this also fails, ask for a person" condition
above which they have met it ("the test call shows nothing either, my spare headset does the same": 0.75;
"dimmed the screen like it says, still dead by lunchtime" against "does not charge with a known good
charger": 0.30)."""


async def _met_escalation(doc_id: str, text: str) -> bool:
    try:
        kb = await asyncio.to_thread(get_knowledge_base)
        similarity = await asyncio.to_thread(kb.meets_escalation, doc_id, text)
    except KnowledgeBaseError:
        return False
    return similarity is not None and similarity >= ESCALATION_MATCH


async def _article_failed(
    dispatcher: CollectingDispatcher, tracker: Tracker, doc_id: str, article: Hit | None, text: str
) -> list[EventType]:
    """The customer did what the article says and it still fails: its script next, else a person.

    A person also when they already did what the article says to try last: the script would start again
    from the first check.
    """
    events: list[EventType] = [_mark_helped(tracker, doc_id, False), SlotSet("kb_pending_doc_id", None)]
    diagnostic_id = article.diagnostic_id if article else None
    engine = get_engine()
    if diagnostic_id and diagnostic_id in engine.scripts and not await _met_escalation(doc_id, text):
        dispatcher.utter_message(
            text="Sorry the article didn't fix it. Let's check it step by step instead: "
            f"{engine.script(diagnostic_id).title}. I'll say why each step matters."
        )
        return [*events, *start_script(tracker, diagnostic_id, tracker.get_slot("diagnostic_level"))]
    dispatcher.utter_message(
        text="Sorry that didn't fix it. You've already tried what the article says, so a person on our "
        "support team is the best next step. I'll pass on what you tried."
    )
    return [*events, SlotSet("handoff_reason", "kb_not_solved"), FollowupAction("action_request_human")]


WALK_THROUGH_MAX_WORDS = 12
"""A level statement on its own ("brief steps, im fairly techy"), not a new question that mentions one."""


def _walk_through(
    dispatcher: CollectingDispatcher, tracker: Tracker, article: Hit | None, text: str, level: Level
) -> list[EventType] | None:
    """ "brief steps, im fairly techy" (`level`, read from `text`) right after an article: the customer wants to
    be walked through it, at that level. Its script starts at once (None when the article has none)."""
    diagnostic_id = article.diagnostic_id if article else None
    engine = get_engine()
    if len(text.split()) > WALK_THROUGH_MAX_WORDS or not diagnostic_id or diagnostic_id not in engine.scripts:
        return None
    style = "short steps" if level == "expert" else "every click spelled out"
    dispatcher.utter_message(
        text=f"OK, let's go through it together, with {style}: {engine.script(diagnostic_id).title}. "
        "I'll say why each step matters."
    )
    return [
        SlotSet("kb_pending_doc_id", None),
        SlotSet("diagnostic_level", level),
        *start_script(tracker, diagnostic_id, level),
    ]


def _start_reported_problem(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, best: Hit
) -> list[EventType] | None:
    """A fault report NLU was unsure of, answered by a script's overview article: the script, not the article
    (actions/diagnostics/reported_problem.py). None when the article is the better reply."""
    engine = get_engine()
    ranking = tracker.latest_message.get("intent_ranking") or []
    script_id = script_for_report(text, ranking, best, engine.scripts)
    if script_id is None:
        return None
    log.info(
        "conversation %s: problem report, starting %s instead of its article", tracker.sender_id, script_id
    )
    dispatcher.utter_message(text=INTRO.format(title=engine.script(script_id).title))
    level = tracker.get_slot("diagnostic_level") or infer_level(text)
    return [SlotSet("diagnostic_level", level), *start_script(tracker, script_id, level, text)]


def _article_solved(dispatcher: CollectingDispatcher, tracker: Tracker, doc_id: str) -> list[EventType]:
    """The customer says the article fixed it: believe them, record it, then the next problem or the survey."""
    still_to_do = problems.remaining(tracker, f"{problems.ARTICLE_PREFIX}{doc_id}")
    _utter(dispatcher, replies.solved_reply(more_to_do=bool(still_to_do)))
    return [
        *(problems.offer_next(dispatcher, still_to_do) if still_to_do else survey.ask(dispatcher)),
        SlotSet("resolution", "resolved_by_assistant"),
        _mark_helped(tracker, doc_id, True),
        SlotSet("kb_pending_doc_id", None),
        SlotSet("kb_shown", []),
        SlotSet("kb_last_query", None),
        SlotSet("kb_miss_count", 0.0),
    ]


def _ask_which_problem(tracker: Tracker, named: list[problems.Problem]) -> list[EventType]:
    state = problems.choice_state(named, tracker.get_slot("diagnostic_level"), user_turns(tracker))
    records = list(tracker.get_slot("support_actions") or [])
    return [
        SlotSet("diagnostic_state", state.to_dict()),
        SlotSet(problems.PENDING_SLOT, problems.pending(named)),
        SlotSet("support_actions", [*records, problems.record(named)]),
        FollowupAction("diagnostic_form"),
    ]


class ActionAnswerFromKB(Action):
    def name(self) -> str:
        return "action_answer_from_kb"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = (tracker.latest_message.get("text") or "").strip()
        if tracker.get_slot("pending_offer") == PERSON_OFFER and accepts(text):
            # "yes please, and make sure they actually phone this time" to "Would you like a person?"
            return [
                SlotSet("pending_offer", None),
                SlotSet("handoff_reason", "customer_request"),
                FollowupAction("action_request_human"),
            ]
        try:
            kb = await asyncio.to_thread(get_knowledge_base)
            if intent == "choose_article":
                doc_id = _article_id(tracker)
                hit = await asyncio.to_thread(kb.article, doc_id) if doc_id else None
                if hit is None:
                    _utter(dispatcher, replies.unknown_article_reply())
                    return []
                return show_article(dispatcher, tracker, hit, None)
            pending_doc = tracker.get_slot("kb_pending_doc_id")
            if pending_doc and (denies(text) or tried_everything(text)):
                # "did what it says, still dead by lunchtime", "no, it just closes every single time": the
                # answer to "Did this solve it?" is no, even when NLU did not read it as a plain "no"
                article = await asyncio.to_thread(kb.article, str(pending_doc))
                return await _article_failed(dispatcher, tracker, str(pending_doc), article, text)
            level = infer_level(text)
            if pending_doc and level:
                article = await asyncio.to_thread(kb.article, str(pending_doc))
                walked = _walk_through(dispatcher, tracker, article, text, level)
                if walked is not None:
                    return walked
            if intent == "explain_simpler" and not pending_doc:
                dispatcher.utter_message(
                    text="OK, I'll keep every step simple and say what to click. What's the problem?"
                )
                return [SlotSet("diagnostic_level", "novice")]
            if pending_doc and reports_working(text):
                # "swapped the batteries and it's typing normally now, ta": a yes to "Did this solve it?"
                return _article_solved(dispatcher, tracker, str(pending_doc))
            about = without_self_description(text)  # "... im useless with computers so please go slow"
            named = await asyncio.to_thread(problems.named_problems, about, get_knowledge_base)
            if named:  # two problems in one message: the diagnostic form asks which one to start with
                return _ask_which_problem(tracker, named)
            query = follow_up.with_context(about, tracker.get_slot("kb_last_query")) if pending_doc else about
            decision = await asyncio.to_thread(decide_focused, kb, app_names.annotate(query))
        except KnowledgeBaseError:
            log.exception("knowledge base unavailable (conversation %s)", tracker.sender_id)
            _utter(dispatcher, replies.kb_unavailable_reply())
            return []
        log.info(
            "kb decision %s (score %.3f, margin %.3f) for conversation %s",
            decision.kind,
            decision.top_score,
            decision.margin,
            tracker.sender_id,
        )
        if decision.kind == "answer" and decision.best is not None:
            if not pending_doc:
                started = _start_reported_problem(dispatcher, tracker, text, decision.best)
                if started is not None:
                    return started
            return show_article(dispatcher, tracker, decision.best, query)
        if decision.kind == "clarify":
            _utter(dispatcher, replies.clarify_reply(decision.hits))
            return [SlotSet("kb_miss_count", 0.0), SlotSet("kb_last_query", text), SlotSet("kb_shown", [])]
        best_guess = _best_guess(tracker)
        if best_guess == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")  # no IT guess for a non-IT question
            return [SlotSet("kb_miss_count", 0.0)]
        if best_guess == "complain":
            return [FollowupAction("action_complaint")]
        if best_guess in SMALL_TALK_GUESSES:
            dispatcher.utter_message(response=SMALL_TALK_GUESSES[best_guess])
            return [SlotSet("kb_miss_count", 0.0)]
        misses = float(tracker.get_slot("kb_miss_count") or 0) + 1
        if misses >= MISSES_BEFORE_PERSON:
            _utter(dispatcher, replies.second_miss_reply())
            return [SlotSet("kb_miss_count", misses), SlotSet("handoff_reason", "nlu_fallback")]
        # No article is close enough to answer: say so and show the fixed main topics, never guessed articles
        # (options picked for this message would look like a clarifying question about them).
        _utter(dispatcher, replies.first_miss_reply())
        dispatcher.utter_message(response="utter_main_topics")
        return [SlotSet("kb_miss_count", misses)]


def _mark_helped(tracker: Tracker, doc_id: str, helped: bool) -> SlotSet:
    records = copy.deepcopy(tracker.get_slot("support_actions") or [])
    for record in reversed(records):
        if record.get("type") == "kb_article" and record.get("doc_id") == doc_id:
            record["helped"] = helped
            break
    return SlotSet("support_actions", records)


class ActionKBFeedback(Action):
    """The customer's answer to "Did this solve it?" (affirm / deny right after an article)."""

    def name(self) -> str:
        return "action_kb_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        doc_id = tracker.get_slot("kb_pending_doc_id")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if not doc_id:
            _utter(dispatcher, replies.no_pending_reply())
            return []
        clear = [SlotSet("kb_pending_doc_id", None)]
        text = str(tracker.latest_message.get("text") or "")
        if intent == "thank" and not says_fixed(text):
            dispatcher.utter_message(response="utter_youre_welcome")  # plain "ta": small talk, still asking
            return []
        if intent in ("affirm", "thank"):
            return _article_solved(dispatcher, tracker, str(doc_id))
        next_hit: Hit | None = None
        diagnostic_id: str | None = None
        if still_broken(text):  # "tried another port and another pc, still dead": not a bare "no"
            try:
                kb = await asyncio.to_thread(get_knowledge_base)
                article = await asyncio.to_thread(kb.article, doc_id)
            except KnowledgeBaseError:
                article = None
            return await _article_failed(dispatcher, tracker, doc_id, article, text)
        try:
            kb = await asyncio.to_thread(get_knowledge_base)
            current = await asyncio.to_thread(kb.article, doc_id)
            diagnostic_id = current.diagnostic_id if current else None
            query = tracker.get_slot("kb_last_query")
            if query:
                shown = set(tracker.get_slot("kb_shown") or []) | {doc_id}
                hits = await asyncio.to_thread(kb.search, query, NEXT_ARTICLE_CANDIDATES)
                next_hit = next(
                    (h for h in hits if h.doc_id not in shown and h.score >= kb.params.clarify_min_score),
                    None,
                )
        except KnowledgeBaseError:
            log.exception("knowledge base unavailable (conversation %s)", tracker.sender_id)
        _utter(dispatcher, replies.not_solved_reply(next_hit, diagnostic_id))
        return [_mark_helped(tracker, doc_id, False), *clear, SlotSet("handoff_reason", "kb_not_solved")]
