"""action_answer_from_kb and action_kb_feedback with a real Tracker, CollectingDispatcher and a real index.

The index is built with the deterministic hashing embedder (no model load), through the same env var
(KB_INDEX_DIR) and cached getter the action server uses.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerFromKB, ActionKBFeedback
from knowledge_base.build import build_index
from knowledge_base.calibration import Calibration
from knowledge_base.decision import DecisionParams

ARTICLES = {
    "password-reset.md": (
        "---\ntitle: Reset your password\ndiagnostic: login\n---\n\n"
        "If you forgot your password you can reset it yourself.\n\n## Steps\n\n"
        "1. Click Forgot password on the sign-in page. This starts the reset.\n"
        "2. Type the code we send you. It proves the account is yours.\n"
    ),
    "printer-office.md": (
        "---\ntitle: Office printer setup\n---\n\nAdd the office printer to your laptop.\n\n"
        "1. Open printer settings and add the office printer. Your laptop needs its driver.\n"
    ),
    "printer-home.md": (
        "---\ntitle: Home printer setup\n---\n\nAdd the home printer to your laptop.\n\n"
        "1. Open printer settings and add the home printer. Your laptop needs its driver.\n"
    ),
    "wifi.md": (
        "---\ntitle: Fix Wi-Fi\ndiagnostic: wifi\n---\n\nTurn wifi off and on to reconnect the wireless network.\n\n"
        "1. Turn wifi off and on. This makes the device look for the wireless network again.\n\n"
        "## If it does not work\n\nIf no other device can connect either, ask for a person.\n"
    ),
}


@pytest.fixture
def kb_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = tmp_path / "kb"
    source.mkdir()
    for name, text in ARTICLES.items():
        (source / name).write_text(text, encoding="utf-8")
    calibration = Calibration(
        model="hashing-test",
        decision=DecisionParams(
            answer_min_score=0.45, answer_min_margin=0.05, clarify_min_score=0.3, clarify_max_gap=0.1
        ),
        fitted_on=("test",),
        report={},
    )
    index = tmp_path / "index"
    build_index(source, index, model="hashing-test", calibration=calibration)
    monkeypatch.setenv("KB_INDEX_DIR", str(index))
    return index


def _tracker(
    text: str, intent: str, slots: dict[str, Any] | None = None, entities: list | None = None
) -> Tracker:
    return Tracker(
        "conv-kb-1",
        slots or {},
        {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        [],
        False,
        None,
        {},
        "action_listen",
    )


def _run(action: Any, tracker: Tracker) -> tuple[list[dict], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slots


def _payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_routine_question_gets_steps_citation_and_feedback_buttons(kb_index: Path) -> None:
    messages, slots = _run(
        ActionAnswerFromKB(), _tracker("I forgot my password, how do I reset it", "ask_howto")
    )
    texts = [m["text"] for m in messages]
    assert texts[0].startswith("If you forgot your password")
    assert "1. Click Forgot password" in texts[0]
    assert texts[1].startswith('From our help article "Reset your password" (')
    assert texts[1].endswith("password-reset.md)")
    assert texts[2] == "Did this solve it?"
    assert [b["title"] for b in messages[2]["buttons"]] == ["Yes", "No"]
    [record] = slots["support_actions"]
    assert (
        record["type"] == "kb_article" and record["doc_id"] == "password-reset" and record["helped"] is None
    )
    assert record["at"].endswith("+00:00")
    assert slots["kb_pending_doc_id"] == "password-reset"
    assert slots["kb_miss_count"] == 0


def test_the_citation_links_to_the_help_page_when_the_help_center_is_known(
    kb_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELP_CENTER_URL", "https://support.example.com/help/")
    messages, _ = _run(ActionAnswerFromKB(), _tracker("I forgot my password, how do I reset it", "ask_howto"))
    assert messages[1]["text"] == (
        'From our help article "Reset your password" (https://support.example.com/help/password-reset)'
    )


def test_close_articles_are_offered_as_buttons(kb_index: Path) -> None:
    messages, slots = _run(ActionAnswerFromKB(), _tracker("add printer to laptop", "ask_howto"))
    assert "Which one" in messages[0]["text"]
    payloads = _payloads(messages)
    assert sorted(payloads)[:2] == [
        '/choose_article{"kb_article_id":"printer-home"}',
        '/choose_article{"kb_article_id":"printer-office"}',
    ]
    assert 2 <= len(payloads) <= 3
    assert "support_actions" not in slots  # nothing shown yet


def test_chosen_article_is_shown(kb_index: Path) -> None:
    entities = [{"entity": "kb_article_id", "value": "printer-home"}]
    tracker = _tracker('/choose_article{"kb_article_id":"printer-home"}', "choose_article", entities=entities)
    messages, slots = _run(ActionAnswerFromKB(), tracker)
    assert "Home printer setup" in messages[1]["text"]
    assert slots["support_actions"][0]["doc_id"] == "printer-home"


def test_first_miss_asks_to_rephrase_and_never_guesses(kb_index: Path) -> None:
    messages, slots = _run(ActionAnswerFromKB(), _tracker("what is the capital of peru", "ask_howto"))
    assert "say it another way" in messages[0]["text"]
    assert "From our help article" not in json.dumps(messages)
    assert all(p.startswith("/choose_article") for p in _payloads(messages))
    assert slots == {"kb_miss_count": 1.0}


def test_second_miss_in_a_row_offers_a_person(kb_index: Path) -> None:
    tracker = _tracker("what is the capital of peru", "ask_howto", slots={"kb_miss_count": 1.0})
    messages, slots = _run(ActionAnswerFromKB(), tracker)
    assert "person" in messages[0]["text"]
    assert _payloads(messages) == ["/ask_human"]
    assert slots["handoff_reason"] == "nlu_fallback"


def test_missing_index_does_not_fail_the_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "no-index-here"))
    messages, slots = _run(
        ActionAnswerFromKB(), _tracker("I forgot my password, how do I reset it", "ask_howto")
    )
    assert "can't open our help articles" in messages[0]["text"]
    assert _payloads(messages) == ["/ask_human"]
    assert slots == {}


def _after_answer(kb_index: Path) -> dict[str, Any]:
    _, slots = _run(ActionAnswerFromKB(), _tracker("I forgot my password, how do I reset it", "ask_howto"))
    return slots


def test_yes_closes_the_topic_as_solved(kb_index: Path) -> None:
    slots = _after_answer(kb_index)
    messages, new = _run(ActionKBFeedback(), _tracker("yes", "affirm", slots=slots))
    assert "glad that fixed it" in messages[0]["text"]
    assert new["support_actions"][-1]["helped"] is True
    assert new["kb_pending_doc_id"] is None


def test_no_offers_next_article_diagnostic_and_a_person(kb_index: Path) -> None:
    _, slots = _run(ActionAnswerFromKB(), _tracker("wifi wireless network off and on", "ask_howto"))
    assert slots["kb_pending_doc_id"] == "wifi"
    messages, new = _run(ActionKBFeedback(), _tracker("no", "deny", slots=slots))
    payloads = _payloads(messages)
    assert "didn't fix it" in messages[0]["text"]
    assert '/start_diagnostic{"diagnostic_id":"wifi"}' in payloads
    assert payloads[-1] == "/ask_human"
    assert new["support_actions"][-1]["helped"] is False
    assert new["handoff_reason"] == "kb_not_solved"


def test_feedback_without_a_pending_article_does_not_invent_one(kb_index: Path) -> None:
    messages, slots = _run(ActionKBFeedback(), _tracker("yes", "affirm"))
    assert messages[0]["text"] == "Okay. What else can I help you with?"
    assert slots == {}


def test_still_failing_after_the_article_starts_its_script(kb_index: Path) -> None:
    _, slots = _run(ActionAnswerFromKB(), _tracker("wifi wireless network off and on", "ask_howto"))
    messages, new = _run(
        ActionKBFeedback(), _tracker("turned it off and on, still no luck", "deny", slots=slots)
    )
    assert "step by step" in messages[0]["text"]
    assert new["diagnostic_state"]["script_id"] == "wifi"
    assert "handoff_reason" not in new


def test_meeting_the_articles_own_escalation_condition_goes_to_a_person(kb_index: Path) -> None:
    """The article says "if no other device can connect either, ask for a person": a customer who reports
    exactly that gets a person, not the script from its first check."""
    _, slots = _run(ActionAnswerFromKB(), _tracker("wifi wireless network off and on", "ask_howto"))
    messages, new = _run(
        ActionKBFeedback(),
        _tracker("no other device can connect either, still no luck", "deny", slots=slots),
    )
    assert "person" in messages[0]["text"]
    assert new["handoff_reason"] == "kb_not_solved"
    assert "diagnostic_state" not in new
    assert new["support_actions"][-1]["helped"] is False


def test_saying_it_works_now_after_an_article_records_it_as_solved(kb_index: Path) -> None:
    """ "swapped the batteries and it's typing normally now, ta" is a yes to "Did this solve it?", even when NLU
    read it as nothing in particular: the fix is recorded, not answered with another article."""
    slots = _after_answer(kb_index)
    messages, new = _run(
        ActionAnswerFromKB(),
        _tracker("did what it says and i'm signed in now, ta", "nlu_fallback", slots=slots),
    )
    assert "glad that fixed it" in messages[0]["text"]
    assert new["resolution"] == "resolved_by_assistant"
    assert new["support_actions"][-1]["helped"] is True
    assert new["kb_pending_doc_id"] is None


def test_a_question_after_an_article_is_not_taken_as_solved(kb_index: Path) -> None:
    slots = _after_answer(kb_index)
    _, new = _run(
        ActionAnswerFromKB(), _tracker("ok i did that now, what next?", "nlu_fallback", slots=slots)
    )
    assert new.get("resolution") != "resolved_by_assistant"


def test_a_how_to_question_the_kb_cannot_answer_and_that_leans_not_it_is_out_of_scope(kb_index: Path) -> None:
    """ "whats the quickest way to the airport for a 5pm flight" reads as a how-to (the question's shape) with
    "not IT" next: the customer hears that this desk only does IT, not "I couldn't find an article"."""
    ranking = [{"name": "ask_howto", "confidence": 0.55}, {"name": "out_of_scope", "confidence": 0.42}]
    tracker = _tracker("quickest route to heathrow airport", "ask_howto")
    tracker.latest_message["intent_ranking"] = ranking
    messages, slots = _run(ActionAnswerFromKB(), tracker)
    assert [m.get("response") for m in messages] == ["utter_out_of_scope"], messages
    assert slots == {"kb_miss_count": 0}
    tracker.latest_message["intent_ranking"] = [ranking[0], {"name": "greet", "confidence": 0.42}]
    messages, _ = _run(ActionAnswerFromKB(), tracker)
    assert "utter_out_of_scope" not in [m.get("response") for m in messages]


def test_asking_for_short_steps_after_an_article_walks_through_its_script_at_that_level(
    kb_index: Path,
) -> None:
    """ "brief steps, im fairly techy" right after an article: walk the customer through it, briefly."""
    slots = _after_answer(kb_index)
    messages, new = _run(
        ActionAnswerFromKB(), _tracker("brief steps, im fairly techy", "nlu_fallback", slots=slots)
    )
    assert "short steps" in messages[0]["text"]
    assert new["diagnostic_state"]["script_id"] == "login"
    assert new["diagnostic_level"] == "expert"
    assert new["kb_pending_doc_id"] is None


def test_a_message_the_kb_cannot_answer_that_leans_to_a_greeting_is_greeted(kb_index: Path) -> None:
    tracker = _tracker("nothing wrong at the moment, just seeing if this chat works", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "greet", "confidence": 0.46},
        {"name": "feedback", "confidence": 0.14},
    ]
    messages, slots = _run(ActionAnswerFromKB(), tracker)
    assert [m.get("response") for m in messages] == ["utter_greet"]
    assert slots == {"kb_miss_count": 0}


def test_super_simple_please_after_an_article_walks_through_it_spelled_out(kb_index: Path) -> None:
    slots = _after_answer(kb_index)
    messages, new = _run(
        ActionAnswerFromKB(), _tracker("super simple please", "explain_simpler", slots=slots)
    )
    assert "every click spelled out" in messages[0]["text"]
    assert (new["diagnostic_state"]["script_id"], new["diagnostic_level"]) == ("login", "novice")
    text = "keep it basic please, im a designer not an it person"  # ten words, still only a level
    messages, _ = _run(ActionAnswerFromKB(), _tracker(text, "explain_simpler", slots=slots))
    assert "every click spelled out" in messages[0]["text"]


def test_super_simple_please_with_no_problem_yet_notes_the_level_and_asks(kb_index: Path) -> None:
    messages, new = _run(ActionAnswerFromKB(), _tracker("super simple please", "explain_simpler"))
    assert "What's the problem?" in messages[0]["text"]
    assert new == {"diagnostic_level": "novice"}
