"""Two problems in one message, for the actions that see a customer's first words (scripts and the KB).

Builds the diagnostic state that asks which problem to start with (see actions/diagnostics/triage.py) and the
support-record entry that keeps both problems, so the one not started first is not lost.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.diagnostics.catalog import get_engine
from actions.diagnostics.router import minilm_embedder
from actions.diagnostics.state import State
from actions.diagnostics.triage import ARTICLE_PREFIX, Problem, Triage

__all__ = ["ARTICLE_PREFIX", "Problem"]
from knowledge_base import KnowledgeBase, KnowledgeBaseError

log = logging.getLogger(__name__)

PENDING_SLOT = "pending_problems"
"""The problems named together that are still to do: [{"topic", "label", "words"}]."""


@functools.cache
def _triage(get_kb: Callable[[], KnowledgeBase]) -> Triage:
    def find_article(clause: str) -> tuple[str, str] | None:
        try:
            decision = get_kb().decide(clause)
        except KnowledgeBaseError:
            return None
        if decision.kind == "answer" and decision.best is not None:
            return decision.best.doc_id, decision.best.title
        return None

    return Triage(get_engine().scripts, minilm_embedder(), find_article)


def named_problems(text: str, get_kb: Callable[[], KnowledgeBase]) -> list[Problem]:
    """The different problems one message names (two or more), else []. Never raises: worst case, []."""
    if not text or text.startswith("/"):
        return []
    try:
        return _triage(get_kb).problems(text)
    except Exception:  # a triage failure must not cost the customer their answer
        log.exception("could not split the message into problems")
        return []


def choice_state(problems: list[Problem], level: Any, turn: int) -> State:
    """The run that asks which problem to start with."""
    return State(
        script_id=None,
        node_id=None,
        level=level if level in ("novice", "expert") else None,
        turn=turn,
        options=tuple((p.topic, p.label, p.words) for p in problems),
    )


def record(problems: list[Problem]) -> dict[str, Any]:
    """Support-record entry: every problem the customer named in one message."""
    return {"type": "problems_named", "problems": [{"topic": p.topic, "words": p.words} for p in problems]}


def pending(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"topic": p.topic, "label": p.label, "words": p.words} for p in problems]


def remaining(tracker: Tracker, done_topic: str | None) -> list[dict[str, str]]:
    """The problems still to do once `done_topic` is started or finished."""
    items = tracker.get_slot(PENDING_SLOT)
    return (
        [p for p in items if isinstance(p, dict) and p.get("topic") != done_topic]
        if isinstance(items, list)
        else []
    )


def _button(topic: str) -> dict[str, str]:
    if topic.startswith(ARTICLE_PREFIX):
        doc_id = topic.removeprefix(ARTICLE_PREFIX)
        return {"title": "Yes, let's look at it", "payload": f'/choose_article{{"kb_article_id":"{doc_id}"}}'}
    return {"title": "Yes, let's look at it", "payload": f'/start_diagnostic{{"diagnostic_id":"{topic}"}}'}


def offer_next(dispatcher: CollectingDispatcher, still_to_do: list[dict[str, str]]) -> list[EventType]:
    """Come back to the other problem the customer named, once the first has ended."""
    if not still_to_do:
        return [SlotSet(PENDING_SLOT, [])]
    following = still_to_do[0]
    dispatcher.utter_message(
        text=f'You also mentioned "{following["label"]}" ({following["words"]}). Shall we look at that now?',
        buttons=[_button(following["topic"]), {"title": "No, thanks", "payload": "/deny"}],
    )
    return [SlotSet(PENDING_SLOT, still_to_do), SlotSet("pending_offer", "problem")]


def other_script(text: str, current: str | None, get_kb: Callable[[], KnowledgeBase]) -> str | None:
    """The script for a different problem the customer moved on to, else None. Never raises."""
    try:
        return _triage(get_kb).other_script(text, current)
    except Exception:
        log.exception("could not read the message for another problem")
        return None
