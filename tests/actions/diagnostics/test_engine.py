from __future__ import annotations

from actions.diagnostics.engine import Engine
from actions.diagnostics.state import State


def _run(engine: Engine, state: State, *answers: str) -> State:
    for text in answers:
        state = engine.answer(state, text).state
    return state


def test_yes_no_answers_walk_the_script_to_the_fix(engine: Engine) -> None:
    state = engine.start("wifi", "novice")
    assert state.node_id == "other_devices"
    state = _run(engine, state, "yes", "yep it's on", "no")
    assert state.node_id == "join_network"
    assert state.history == ("other_devices", "wifi_on", "connected")


def test_a_yes_to_a_fix_step_resolves_at_once_without_asking_again(engine: Engine) -> None:
    step = engine.answer(_run(engine, engine.start("wifi", "novice"), "no"), "yes")
    assert step.state.node_id == "fixed"
    assert step.state.status == "resolved"
    assert step.records[-1]["result"] == "yes"


def test_customer_saying_it_is_fixed_at_any_step_resolves(engine: Engine) -> None:
    state = engine.start("wifi", "novice")
    step = engine.answer(state, "oh wait, the wifi switch was off, thanks, that fixed it")
    assert step.state.status == "resolved"
    assert step.records[-1]["result"] == "fixed"
    assert engine.answer(state, "no that didn't fix it").state.status == "running"


def test_goodbye_in_a_script_stops_it_as_left(engine: Engine) -> None:
    state = engine.start("battery", "novice")
    step = engine.answer(state, "ok I'll try turning the brightness down later, thanks, bye")
    assert (step.state.status, step.state.reason) == ("stopped", "customer_left")
    assert engine.answer(state, "nvm, gotta run. bye").state.status == "stopped"


def test_escapes_work_at_the_familiarity_question(engine: Engine) -> None:
    state = engine.start("login", None)
    assert engine.prompt(state).text.startswith("Before we start")
    assert engine.answer(state, "I need to talk to a person").state.reason == "customer_request"
    assert engine.answer(state, "ok that worked thanks").state.status == "resolved"
    assert engine.answer(state, "forget it").state.status == "stopped"
    assert engine.answer(state, "keep it simple please").state.level == "novice"


def test_not_fixed_at_a_resolved_step_escalates_with_the_script_queue(engine: Engine) -> None:
    state = _run(engine, engine.start("wifi", "novice"), "no").evolve(node_id="fixed")
    step = engine.answer(state, "no, still nothing")
    assert step.state.status == "escalated"
    assert (step.state.reason, step.state.queue) == ("script_dead_end", "network")


def test_dead_end_node_escalates_with_its_type_and_queue(engine: Engine) -> None:
    state = _run(engine, engine.start("login", "novice"), "yes", "yes")
    step = engine.answer(state, "no")
    assert step.state.status == "escalated"
    assert step.state.escalation == "administrative"
    assert step.state.queue == "account"
    assert step.records[-1]["result"] == "escalated"
    assert step.messages and "admin" in step.messages[-1]


def test_not_sure_explains_how_then_repeated_not_sure_hands_off(engine: Engine) -> None:
    state = engine.start("wifi", "novice")
    first = engine.answer(state, "not sure how to check")
    assert first.state.node_id == "other_devices"
    assert "turn off mobile data" in first.messages[0]
    second = engine.answer(first.state, "I don't know")
    assert second.state.status == "escalated"
    assert second.state.reason == "script_dead_end"


def test_why_gives_the_reason_and_stays(engine: Engine) -> None:
    state = engine.start("printer", "novice")
    step = engine.answer(state, "why?")
    assert step.state.node_id == state.node_id
    assert step.messages == (engine.script("printer").nodes["power_paper"].why,)


def test_already_tried_skips_and_is_recorded(engine: Engine) -> None:
    state = engine.start("slow_computer", "novice")
    step = engine.answer(state, "I already tried restarting")
    assert step.state.node_id == "task_manager"
    assert step.records[0]["result"] == "already_tried"


def test_already_tried_a_fix_skips_it_as_not_helped(engine: Engine) -> None:
    state = _run(engine, engine.start("printer", "novice"), "yes", "no")
    assert state.node_id == "pick_printer"  # a fix attempt: "Did the page come out?"
    step = engine.answer(state, "I already tried that")
    assert step.state.node_id == "queue_stuck"
    assert "already tried that, so let's skip it" in step.messages[0]


def test_already_tried_a_plain_check_asks_what_they_saw(engine: Engine) -> None:
    state = _run(engine, engine.start("printer", "novice"), "yes")
    assert state.node_id == "right_printer"  # a check: "Is it the printer you are standing next to?"
    step = engine.answer(state, "I already tried that")
    assert step.state.node_id == "right_printer"
    assert step.messages[0] == "OK. What did you see when you tried it?"
    assert step.records[0]["result"] == "already_tried"
    assert _run(engine, step.state, "no").node_id == "pick_printer"  # their answer then counts as usual


def test_go_back_returns_to_the_previous_step(engine: Engine) -> None:
    state = _run(engine, engine.start("wifi", "novice"), "yes")
    step = engine.answer(state, "go back")
    assert step.state.node_id == "other_devices"
    assert step.state.history == ()


def test_stop_and_person_end_the_run(engine: Engine) -> None:
    state = engine.start("vpn", "novice")
    assert engine.answer(state, "stop").state.status == "stopped"
    person = engine.answer(state, "I want to talk to a person").state
    assert (person.status, person.reason) == ("escalated", "customer_request")


def test_wording_follows_the_level_and_explain_simpler_switches(engine: Engine) -> None:
    expert = engine.start("wifi", "expert")
    assert engine.prompt(expert).text == "Do other devices on the same network have internet?"
    step = engine.answer(expert, "explain more simply please")
    assert step.state.level == "novice"
    assert "your phone" in engine.prompt(step.state).text


def test_level_is_asked_once_when_unknown(engine: Engine) -> None:
    state = engine.start("sound", None)
    assert "how should I explain" in engine.prompt(state).text
    state = engine.answer(state, "Short steps").state
    assert state.level == "expert"
    assert engine.prompt(state).text == "System volume up and not muted?"


def test_menu_picks_a_script_by_title(engine: Engine) -> None:
    state = engine.start(None, "novice")
    assert "Slow computer" in engine.prompt(state).buttons
    state = engine.answer(state, "Slow computer").state
    assert (state.script_id, state.node_id) == ("slow_computer", "restarted")


def test_choice_node(engine: Engine) -> None:
    state = engine.answer(engine.start("battery", "novice"), "it drains really fast").state
    assert state.node_id == "brightness"


def test_every_answer_is_recorded_with_question_answer_and_time(engine: Engine) -> None:
    step = engine.answer(engine.start("wifi", "novice"), "yes", at="2025-01-01T00:00:00+00:00")
    assert step.records == (
        {
            "type": "diagnostic_step",
            "at": "2025-01-01T00:00:00+00:00",
            "script_id": "wifi",
            "node_id": "other_devices",
            "question": "Do other devices near you, like your phone, have internet on the same Wi-Fi?",
            "answer": "yes",
            "result": "yes",
        },
    )


def test_unclear_answers_reprompt_then_hand_off(engine: Engine) -> None:
    state = engine.start("wifi", "novice")
    step = engine.answer(state, "banana")
    assert step.state.node_id == "other_devices"
    assert "yes or no" in step.messages[0]
    state = _run(engine, step.state, "banana", "banana")
    assert state.status == "escalated"


def test_state_round_trips_through_a_slot(engine: Engine) -> None:
    state = _run(engine, engine.start("wifi", "novice"), "yes")
    assert State.from_dict(state.to_dict()) == state
    assert State.from_dict("garbage") is None


def test_asking_how_to_check_gets_help_without_counting_towards_a_hand_off(engine: Engine) -> None:
    state = engine.start("wifi", "novice")
    first = engine.answer(state, "not sure how to check")
    second = engine.answer(first.state, "How do I check that on my phone?")
    assert second.state.status == "running"
    assert "turn off mobile data" in second.messages[0]
    assert engine.answer(second.state, "I don't know").state.status == "escalated"


def test_a_statement_that_mentions_stopping_is_not_a_request_to_stop(engine: Engine) -> None:
    state = engine.start("wifi", "novice")
    assert (
        engine.answer(state, "yes, I can stop the video on my phone and it plays fine").state.status
        == "running"
    )
    assert engine.answer(state, "please stop the checks").state.status == "stopped"


def test_asking_to_pass_it_on_mid_script_is_an_ask_for_a_person(engine: Engine) -> None:
    state = engine.start("email", "expert")
    step = engine.answer(state, "fine, can you pass it to the messaging team?")
    assert (step.state.status, step.state.reason) == ("escalated", "customer_request")


def test_a_first_message_that_names_one_option_skips_that_question(engine: Engine) -> None:
    state = engine.start("battery", "novice", message="laptop won't charge, it's on 4%")
    assert state.node_id == "charger_light"
    assert state.history == ("problem_kind",)  # "go back" still reaches the skipped question
    assert engine.answer(state, "go back").state.node_id == "problem_kind"
    # Both options named, or none: the question is asked.
    assert (
        engine.start("battery", "novice", message="the charger is fine but it drains fast").node_id
        == "problem_kind"
    )
    assert engine.start("battery", "novice", message="battery problem").node_id == "problem_kind"
    # how customers say it: "stopped charging", "dead by 2 every day, it used to last all day"
    assert engine.start("battery", None, message="it stopped charging overnight").node_id == "charger_light"
    assert (
        engine.start("battery", None, message="dead by 2pm every day, it used to last").node_id
        == "brightness"
    )


def test_a_first_check_answered_at_the_level_question_is_taken_as_its_answer(engine: Engine) -> None:
    # "yep, rebooted it first thing" answers "Has it been restarted?", not how to explain the steps
    step = engine.answer(engine.start("slow_computer", None), "yep, rebooted it first thing")
    assert step.state.level == "novice" and step.state.node_id == "task_manager"
    # the check asks about the internet: "it's working fine" answers it, it is not a fix
    step = engine.answer(engine.start("vpn", None), "yeah the internet's working fine")
    assert step.state.status == "running" and step.state.node_id == "error_message"
    # a level answer that mentions the problem moves nowhere
    step = engine.answer(engine.start("printer", None), "plain steps pls")
    assert step.state.level == "novice" and step.state.node_id == engine.script("printer").start
