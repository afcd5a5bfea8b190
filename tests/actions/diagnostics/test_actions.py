from __future__ import annotations

from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.diagnostics import starting
from actions.diagnostics.actions import (
    ActionAskDiagnosticAnswer,
    ActionDiagnosticDone,
    ActionStartDiagnostic,
    ValidateDiagnosticForm,
)
from actions.diagnostics.catalog import REPO_ROOT

DOMAIN: dict[str, Any] = yaml.safe_load((REPO_ROOT / "bot" / "domain" / "diagnostics.yml").read_text())


def _tracker(
    text: str,
    intent: str,
    slots: dict[str, Any],
    confidence: float = 0.9,
    entities: list[dict[str, Any]] | None = None,
    asked: bool = True,
) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    events: list[dict[str, Any]] = []
    if asked:
        events += [
            {"event": "action", "name": "diagnostic_form"},
            {"event": "action", "name": "action_listen"},
        ]
    events.append({"event": "user", "text": text, "parse_data": message})
    all_slots = {"requested_slot": "diagnostic_answer" if asked else None, **slots}
    return Tracker(
        "c1",
        all_slots,
        message,
        events,
        False,
        None,
        {"name": "diagnostic_form"} if asked else {},
        "action_listen",
    )


async def _validate(text: str, intent: str, slots: dict[str, Any], **kw: Any) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateDiagnosticForm().run(dispatcher, _tracker(text, intent, slots, **kw), DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


async def test_problem_intent_starts_its_script_and_asks_the_first_step() -> None:
    dispatcher = CollectingDispatcher()
    tracker = _tracker("my wifi keeps dropping", "problem_wifi", {}, asked=False)
    events = await ActionStartDiagnostic().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events}
    assert slots["diagnostic_state"]["script_id"] == "wifi"
    assert "why" in dispatcher.messages[0]["text"]
    ask = CollectingDispatcher()
    await ActionAskDiagnosticAnswer().run(ask, _tracker("x", "x", slots), DOMAIN)
    assert "how should I explain" in ask.messages[0]["text"]  # level not known yet: asked once


async def test_kb_button_starts_the_named_script_with_inferred_expert_level() -> None:
    dispatcher = CollectingDispatcher()
    tracker = _tracker(
        '/start_diagnostic{"diagnostic_id":"vpn"}',
        "start_diagnostic",
        {},
        asked=False,
        entities=[{"entity": "diagnostic_id", "value": "vpn"}],
    )
    events = await ActionStartDiagnostic().run(dispatcher, tracker, DOMAIN)
    assert {e["name"]: e["value"] for e in events}["diagnostic_state"]["script_id"] == "vpn"
    tracker = _tracker("my openvpn tunnel fails, ping to the gateway is fine", "problem_vpn", {}, asked=False)
    events = await ActionStartDiagnostic().run(CollectingDispatcher(), tracker, DOMAIN)
    assert {e["name"]: e["value"] for e in events}["diagnostic_level"] == "expert"


async def test_answer_moves_on_and_is_recorded_in_support_actions() -> None:
    state = {"script_id": "wifi", "node_id": "other_devices", "level": "novice"}
    previous = [{"type": "kb_article", "at": "2025-01-01T00:00:00+00:00", "doc_id": "wifi-connect"}]
    slots, _ = await _validate("yep", "affirm", {"diagnostic_state": state, "support_actions": previous})
    assert slots["diagnostic_answer"] is None  # the form keeps going
    assert slots["diagnostic_state"]["node_id"] == "wifi_on"
    record = slots["support_actions"][-1]
    assert slots["support_actions"][0] == previous[0]
    assert (record["type"], record["node_id"], record["answer"], record["result"]) == (
        "diagnostic_step",
        "other_devices",
        "yep",
        "yes",
    )
    assert record["at"]


async def test_why_is_answered_in_the_script_even_when_nlu_says_how_to() -> None:
    state = {"script_id": "wifi", "node_id": "other_devices", "level": "novice"}
    slots, messages = await _validate("how do I check that?", "ask_howto", {"diagnostic_state": state})
    assert slots["diagnostic_state"]["node_id"] == "other_devices"
    assert "turn off mobile data" in messages[0]["text"]


async def test_a_real_how_to_question_is_left_to_the_knowledge_base() -> None:
    state = {"script_id": "wifi", "node_id": "other_devices", "level": "novice"}
    slots, messages = await _validate(
        "how do I set up an out of office reply", "ask_howto", {"diagnostic_state": state}
    )
    assert "diagnostic_answer" not in slots and messages == []


async def test_dead_end_sets_handoff_reason_and_escalation() -> None:
    state = {"script_id": "wifi", "node_id": "restart_pc", "level": "novice", "history": ["other_devices"]}
    slots, messages = await _validate("no", "deny", {"diagnostic_state": state})
    assert slots["diagnostic_answer"] == "no"  # filled: the form ends
    assert slots["handoff_reason"] == "script_dead_end"
    assert slots["diagnostic_escalation"]["queue"] == "network"
    assert slots["diagnostic_escalation"]["escalation_type"] == "technical"
    assert "network specialist" in messages[-1]["text"]
    done = CollectingDispatcher()
    events = await ActionDiagnosticDone().run(done, _tracker("no", "deny", slots), DOMAIN)
    assert {e["name"]: e["value"] for e in events}["diagnostic_outcome"] == "escalated"
    # the escalation step already said who takes it and why: no second "these checks didn't fix it"
    assert not any("didn't fix it" in m["text"] for m in done.messages)


async def test_a_dead_end_without_an_escalation_step_says_a_person_takes_it() -> None:
    state = {"script_id": "wifi", "node_id": "connected", "level": "novice", "history": ["other_devices"]}
    slots = {"diagnostic_state": {**state, "status": "escalated", "reason": "script_dead_end"}}
    done = CollectingDispatcher()
    await ActionDiagnosticDone().run(done, _tracker("no idea", "dont_know", slots), DOMAIN)
    assert "so a person needs to take a look" in done.messages[0]["text"]


async def test_the_message_that_started_the_script_is_not_taken_as_an_answer() -> None:
    state = {"script_id": "wifi", "node_id": "other_devices", "level": None, "turn": 1}
    slots, _ = await _validate("yes my wifi is broken", "problem_wifi", {"diagnostic_state": state})
    assert "diagnostic_answer" not in slots
    reset = await ValidateDiagnosticForm().validate_diagnostic_answer(
        None, CollectingDispatcher(), _tracker("x", "problem_wifi", {"diagnostic_state": state}), DOMAIN
    )
    assert reset == {}
    state["turn"] = 0
    slots, _ = await _validate("short steps", "affirm", {"diagnostic_state": state})
    assert slots["diagnostic_state"]["level"] == "expert"


async def test_a_complaint_mid_script_stops_the_checks_apologises_and_offers_an_urgent_person() -> None:
    from actions.handoff import build_request

    state = {
        "script_id": "wifi",
        "node_id": "router_restart",
        "level": "novice",
        "history": ["other_devices"],
    }
    text = "this is useless, I'm so fed up"
    slots, messages = await _validate(text, "complain", {"diagnostic_state": state}, confidence=0.8)
    assert slots["diagnostic_answer"] == text  # filled: the form ends instead of reading it as an answer
    assert slots["handoff_priority"] == "high"
    assert slots["diagnostic_state"]["status"] == "stopped"
    assert slots["diagnostic_escalation"]["queue"] == "network"
    last = slots["support_actions"][-1]
    assert (last["node_id"], last["answer"], last["result"]) == ("router_restart", text, "complained")
    assert messages == []
    done = CollectingDispatcher()
    events = await ActionDiagnosticDone().run(done, _tracker(text, "complain", slots), DOMAIN)
    after = {e["name"]: e["value"] for e in events}
    assert after["pending_offer"] == "person"  # a typed "yes" now hands off
    assert after["resolution"] == "unfinished"
    assert done.messages[0]["response"] == "utter_complain_apology"
    # the customer then takes the offered person: their own request, still urgent, routed to the script's queue
    request = build_request(_tracker("yes please", "affirm", {**slots, **after}))
    assert (request["reason"], request["priority"]) == ("customer_request", "high")


async def test_an_unsure_complaint_reading_is_still_an_answer() -> None:
    state = {"script_id": "wifi", "node_id": "other_devices", "level": "novice"}
    slots, _ = await _validate("no they don't", "complain", {"diagnostic_state": state}, confidence=0.3)
    assert slots["diagnostic_state"]["status"] == "running"
    assert slots["diagnostic_state"]["node_id"] != "other_devices"
    assert "handoff_reason" not in slots


async def test_asking_for_a_person_mid_script_hands_off_with_the_record() -> None:
    state = {"script_id": "wifi", "node_id": "other_devices", "level": "novice"}
    slots, _ = await _validate("can I get someone on the phone", "ask_human", {"diagnostic_state": state})
    assert slots["handoff_reason"] == "customer_request"
    assert slots["diagnostic_state"]["status"] == "escalated"
    assert "handoff_priority" not in slots
    assert slots["support_actions"][-1]["result"] == "asked_for_person"
    done = CollectingDispatcher()
    events = await ActionDiagnosticDone().run(done, _tracker("x", "ask_human", slots), DOMAIN)
    assert {e["name"]: e["value"] for e in events}["diagnostic_outcome"] == "escalated"


async def test_first_message_like_recorded_ones_skips_the_checks_it_answered(monkeypatch: Any) -> None:
    from actions.diagnostics import actions as diagnostic_actions
    from actions.diagnostics.answers import Entry
    from actions.diagnostics.engine import Engine
    from tests.actions.diagnostics.test_resync import SCRIPTS, _model

    model = _model(
        [
            Entry("wifi", "my phone has internet but my laptop wifi does not", "wifi_on"),
            Entry("wifi", "the phone has internet fine but the laptop wifi is not working", "wifi_on"),
        ]
    )
    monkeypatch.setattr(diagnostic_actions, "get_engine", lambda: Engine(SCRIPTS, answer_model=lambda: model))
    dispatcher = CollectingDispatcher()
    tracker = _tracker("my phone has internet but the laptop wifi does not", "problem_wifi", {}, asked=False)
    events = await ActionStartDiagnostic().run(dispatcher, tracker, DOMAIN)
    state = {e["name"]: e["value"] for e in events}["diagnostic_state"]
    assert state["node_id"] == "wifi_on"
    assert starting.SKIPPED in [m["text"] for m in dispatcher.messages]
    button = _tracker(
        '/start_diagnostic{"diagnostic_id":"wifi"}',
        "start_diagnostic",
        {},
        asked=False,
        entities=[{"entity": "diagnostic_id", "value": "wifi"}],
    )
    events = await ActionStartDiagnostic().run(CollectingDispatcher(), button, DOMAIN)
    assert {e["name"]: e["value"] for e in events}["diagnostic_state"]["node_id"] == "other_devices"
