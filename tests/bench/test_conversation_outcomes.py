"""The event→outcome mapping of the conversation benchmark, on hand-built trackers.

Each case builds the events Rasa records for one turn (as seen on the real tracker API) and checks which
outcomes the benchmark reads from them, including turns that look right in wording but must fail.
"""

from __future__ import annotations

from typing import Any

from bench.conversation_outcomes import Outcome, Turn, turn_outcomes, turn_passes

ARTICLE_BUTTONS = [
    {"title": "Reset your password", "payload": '/choose_article{"kb_article_id":"password-reset"}'},
    {"title": "Account lockout", "payload": '/choose_article{"kb_article_id":"account-lockout"}'},
]
STEP_BUTTONS = [{"title": "Yes", "payload": "Yes"}, {"title": "No", "payload": "No"}]


def user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "x"}}}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def bot(text: str, buttons: list[dict[str, str]] | None = None, utter: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"event": "bot", "text": text, "data": {"buttons": buttons}, "metadata": {}}
    if utter:
        event["metadata"]["utter_action"] = utter
    return event


def state(script: str, node: str, status: str = "running") -> dict[str, Any]:
    return {"script_id": script, "node_id": node, "status": status, "level": "novice", "history": []}


def kinds(outcomes: list[Outcome]) -> set[str]:
    return {o.kind for o in outcomes}


def kb_answer_turn(doc_id: str, source: str) -> Turn:
    record = {"type": "kb_article", "doc_id": doc_id, "source": source, "helped": None}
    return Turn(
        before=[],
        during=[
            user("forgot pw"),
            action("action_answer_from_kb"),
            bot("Go to the reset page."),
            bot("Did this solve it?", [{"title": "Yes", "payload": "/affirm"}]),
            slot("support_actions", [record]),
            slot("kb_pending_doc_id", doc_id),
            slot("kb_shown", [doc_id]),
            slot("kb_miss_count", 0.0),
            slot("kb_last_query", "forgot pw"),
            action("action_listen"),
        ],
    )


def script_turn(node: str, records: list[dict[str, Any]] | None = None) -> Turn:
    during = [user("yes"), action("diagnostic_form"), slot("diagnostic_state", state("wifi", node))]
    if records is not None:
        during.append(slot("support_actions", records))
    during += [slot("requested_slot", "diagnostic_answer"), bot("Is Wi-Fi on?", STEP_BUTTONS)]
    return Turn(
        before=[slot("diagnostic_state", state("wifi", "other_devices"))],
        during=during,
        active_loop_after="diagnostic_form",
    )


def step_record(result: str) -> dict[str, Any]:
    return {"type": "diagnostic_step", "script_id": "wifi", "node_id": "wifi_on", "result": result}


# --- answer ---------------------------------------------------------------------------------------------
def test_kb_answer_cites_the_recorded_article() -> None:
    outcomes = turn_outcomes(kb_answer_turn("password-reset", "data/kb/password-reset.md"))
    assert turn_passes({"outcome": "answer", "article": "password-reset"}, outcomes)
    assert turn_passes({"outcome": "answer", "article": ["account-lockout", "password-reset"]}, outcomes)


def test_kb_answer_with_another_article_fails() -> None:
    outcomes = turn_outcomes(kb_answer_turn("account-lockout", "data/kb/account-lockout.md"))
    assert not turn_passes({"outcome": "answer", "article": "password-reset"}, outcomes)


def test_faq_row_counts_as_its_file_stem_and_its_own_id() -> None:
    doc = "faq-what-are-the-it-support-hours"
    outcomes = turn_outcomes(kb_answer_turn(doc, "data/kb/faq.csv"))
    assert turn_passes({"outcome": "answer", "article": "faq"}, outcomes)
    assert turn_passes({"outcome": "answer", "article": doc}, outcomes)
    assert not turn_passes({"outcome": "answer", "article": "faq-how-do-i-find-my-computer-name"}, outcomes)


def test_article_text_without_a_recorded_article_is_not_an_answer() -> None:
    turn = Turn(
        before=[],
        during=[user("forgot pw"), bot("Go to the reset page, password-reset."), action("action_listen")],
    )
    assert not turn_passes({"outcome": "answer", "article": "password-reset"}, turn_outcomes(turn))


# --- clarify / no_answer -------------------------------------------------------------------------------
def test_kb_clarify_offers_close_articles() -> None:
    turn = Turn(
        before=[],
        during=[
            user("password trouble"),
            action("action_answer_from_kb"),
            bot("Which one is closest?", ARTICLE_BUTTONS),
            slot("kb_miss_count", 0.0),
            slot("kb_last_query", "password trouble"),
            slot("kb_shown", []),
        ],
    )
    outcomes = turn_outcomes(turn)
    assert turn_passes({"outcome": "clarify"}, outcomes)
    assert not turn_passes({"outcome": "no_answer"}, outcomes)
    assert not turn_passes({"outcome": "answer"}, outcomes)


def kb_miss_turn(buttons: list[dict[str, str]] | None) -> Turn:
    return Turn(
        before=[],
        during=[
            user("fjdksla;fjdkslaghh"),
            action("action_answer_from_kb"),
            bot("Sorry, I couldn't find a help article.", buttons),
            slot("kb_miss_count", 1.0),
        ],
    )


def test_kb_miss_with_guessed_topics_is_neither_no_answer_nor_clarify() -> None:
    outcomes = turn_outcomes(kb_miss_turn(ARTICLE_BUTTONS))
    assert kinds(outcomes) == {"kb_miss_guessed_topics"}
    assert not turn_passes({"outcome": "no_answer"}, outcomes)
    assert not turn_passes({"outcome": "clarify"}, outcomes)


def test_kb_miss_without_guesses_is_no_answer() -> None:
    outcomes = turn_outcomes(kb_miss_turn([{"title": "Talk to a person", "payload": "/ask_human"}]))
    assert turn_passes({"outcome": "no_answer"}, outcomes)


def test_kb_miss_followed_by_the_main_topics_menu_is_no_answer() -> None:
    turn = kb_miss_turn(None)
    menu = bot("These are the main things I can help with.", ARTICLE_BUTTONS, utter="utter_main_topics")
    outcomes = turn_outcomes(Turn(before=[], during=[*turn.during, menu]))
    assert kinds(outcomes) == {"no_answer"}


def test_main_topics_menu_is_no_answer_not_clarify() -> None:
    menu = [{"title": t, "payload": f'/start_diagnostic{{"diagnostic_id":"{t}"}}'} for t in ("wifi", "vpn")]
    turn = Turn(
        before=[],
        during=[
            user("???"),
            action("utter_main_topics"),
            bot("What can I help with?", menu, utter="utter_main_topics"),
        ],
    )
    outcomes = turn_outcomes(turn)
    assert turn_passes({"outcome": "no_answer"}, outcomes)
    assert not turn_passes({"outcome": "clarify"}, outcomes)


def test_noise_reply_with_main_topics_is_no_answer() -> None:
    turn = Turn(
        before=[],
        during=[
            user("fjdksla"),
            bot("Sorry?", utter="utter_noise"),
            bot("Main topics", ARTICLE_BUTTONS, utter="utter_main_topics"),
        ],
    )
    assert turn_passes({"outcome": "no_answer"}, turn_outcomes(turn))
    assert not turn_passes({"outcome": "clarify"}, turn_outcomes(turn))


def test_two_problem_choice_buttons_are_clarify() -> None:
    choices = [
        {"title": "Teams crashing", "payload": '/start_diagnostic{"diagnostic_id":"app_crash"}'},
        {"title": "Mouse dying", "payload": '/choose_article{"kb_article_id":"keyboard-mouse"}'},
    ]
    turn = Turn(
        before=[],
        during=[user("two things"), action("action_two_problems"), bot("Which one first?", choices)],
    )
    assert turn_passes({"outcome": "clarify"}, turn_outcomes(turn))


def which_problem_turn(options: int) -> Turn:
    named = [
        ["app_crash", "Teams crashing", "teams crashes"],
        ["article:keyboard-mouse", "Mouse", "mouse dies"],
        ["battery", "Battery", "battery drains"],
    ][:options]
    choice = {"script_id": None, "node_id": None, "status": "running", "options": named}
    return Turn(
        before=[],
        during=[
            user("two things"),
            action("action_answer_from_kb"),
            slot("diagnostic_state", choice),
            action("diagnostic_form"),
            slot("requested_slot", "diagnostic_answer"),
            bot("Which one first?", [{"title": o[1], "payload": o[1]} for o in named]),
        ],
        active_loop_after="diagnostic_form",
    )


def test_which_problem_first_is_clarify() -> None:
    outcomes = turn_outcomes(which_problem_turn(2))
    assert turn_passes({"outcome": "clarify"}, outcomes)
    assert not turn_passes({"outcome": "script"}, outcomes)


def test_a_single_named_problem_is_not_a_clarify() -> None:
    assert not turn_passes({"outcome": "clarify"}, turn_outcomes(which_problem_turn(1)))


def test_yes_no_buttons_are_not_clarify() -> None:
    turn = Turn(
        before=[],
        during=[
            user("hm"),
            bot(
                "Did this solve it?",
                [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
            ),
        ],
    )
    assert not turn_passes({"outcome": "clarify"}, turn_outcomes(turn))


# --- scripts ----------------------------------------------------------------------------------------------
def test_running_script_at_its_step() -> None:
    outcomes = turn_outcomes(script_turn("wifi_on"))
    assert turn_passes({"outcome": "script", "script": "wifi", "step": "wifi_on"}, outcomes)
    assert turn_passes({"outcome": "script", "script": ["vpn", "wifi"]}, outcomes)


def test_script_at_the_wrong_step_or_wrong_script_fails() -> None:
    outcomes = turn_outcomes(script_turn("connected"))
    assert not turn_passes({"outcome": "script", "script": "wifi", "step": "wifi_on"}, outcomes)
    assert not turn_passes({"outcome": "script", "script": "vpn"}, outcomes)


def test_script_state_without_the_active_form_is_not_a_running_script() -> None:
    turn = script_turn("wifi_on")
    stopped = Turn(before=turn.before, during=turn.during, active_loop_after=None)
    assert not turn_passes({"outcome": "script", "script": "wifi"}, turn_outcomes(stopped))


def test_why_and_how_come_from_the_step_record() -> None:
    why = turn_outcomes(script_turn("wifi_on", [step_record("asked_why")]))
    how = turn_outcomes(script_turn("wifi_on", [step_record("dont_know")]))
    assert turn_passes({"outcome": "why"}, why) and not turn_passes({"outcome": "how"}, why)
    assert turn_passes({"outcome": "how"}, how) and not turn_passes({"outcome": "why"}, how)


def test_a_plain_step_answer_is_neither_why_nor_how() -> None:
    outcomes = turn_outcomes(script_turn("connected", [step_record("yes")]))
    assert not turn_passes({"outcome": "why"}, outcomes)
    assert not turn_passes({"outcome": "how"}, outcomes)


def test_a_dropped_script_running_on_after_a_new_problem_fails() -> None:
    outcomes = turn_outcomes(script_turn("cable"))
    assert not turn_passes({"outcome": "script", "script": "email"}, outcomes)


# --- resolved / ended -----------------------------------------------------------------------------------
def test_resolved_needs_the_resolution_slot() -> None:
    done = [user("that fixed it"), action("action_diagnostic_done"), slot("diagnostic_outcome", "resolved")]
    without = turn_outcomes(Turn(before=[], during=done))
    assert kinds(without) == {"script_resolved_unrecorded"}
    assert not turn_passes({"outcome": "resolved"}, without)
    recorded = turn_outcomes(Turn(before=[], during=[*done, slot("resolution", "resolved_by_assistant")]))
    assert turn_passes({"outcome": "resolved"}, recorded)


def test_ended_needs_customer_left_and_the_script_stopped() -> None:
    left = [user("bye"), slot("resolution", "customer_left"), bot("Bye for now.", utter="utter_goodbye")]
    assert turn_passes({"outcome": "ended"}, turn_outcomes(Turn(before=[], during=left)))
    still_running = Turn(before=[], during=left, active_loop_after="diagnostic_form")
    assert not turn_passes({"outcome": "ended"}, turn_outcomes(still_running))
    polite_only = Turn(before=[], during=[user("bye"), bot("Bye for now.", utter="utter_goodbye")])
    assert not turn_passes({"outcome": "ended"}, turn_outcomes(polite_only))
    assert turn_passes({"outcome": "smalltalk"}, turn_outcomes(polite_only))


# --- tickets ----------------------------------------------------------------------------------------------
def ticket(ticket_id: int, reason: str, ticket_type: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"ticket_id": ticket_id, "reason": reason, "status": "waiting"}
    if ticket_type:
        found["ticket_type"] = ticket_type
    return found


def test_handoff_needs_a_new_ticket_with_the_reason() -> None:
    during = [user("a person please"), action("action_request_human"), bot("Ticket 7.")]
    outcomes = turn_outcomes(Turn(before=[], during=during, tickets_after=[ticket(7, "customer_request")]))
    assert turn_passes({"outcome": "handoff", "reason": "customer_request"}, outcomes)
    assert not turn_passes({"outcome": "handoff", "reason": "script_dead_end"}, outcomes)
    no_ticket = turn_outcomes(Turn(before=[], during=[user("a person please"), bot("Sure, one moment.")]))
    assert not turn_passes({"outcome": "handoff"}, no_ticket)


def test_an_older_ticket_does_not_count_for_a_turn_that_did_not_ask() -> None:
    old = [ticket(3, "customer_request")]
    turn = Turn(before=[], during=[user("ok"), bot("OK.")], tickets_before=old, tickets_after=old)
    assert not turn_passes({"outcome": "handoff"}, turn_outcomes(turn))


def test_a_request_ticket_is_a_request_not_a_handoff() -> None:
    turn = Turn(
        before=[], during=[user("need visio")], tickets_after=[ticket(9, "customer_request", "request")]
    )
    outcomes = turn_outcomes(turn)
    assert turn_passes({"outcome": "request"}, outcomes)
    assert not turn_passes({"outcome": "handoff"}, outcomes)
    incident = turn_outcomes(
        Turn(
            before=[], during=[user("need visio")], tickets_after=[ticket(9, "customer_request", "incident")]
        )
    )
    assert not turn_passes({"outcome": "request"}, incident)


def test_request_form_asking_a_slot_is_a_request() -> None:
    during = [user("need visio"), action("service_request_form"), slot("requested_slot", "request_for_whom")]
    turn = Turn(before=[], during=during, active_loop_after="service_request_form")
    assert turn_passes({"outcome": "request"}, turn_outcomes(turn))


def test_complaint_handoff_is_also_an_apology() -> None:
    turn = Turn(before=[], during=[user("useless")], tickets_after=[ticket(4, "complaint")])
    assert turn_passes({"outcome": "apology"}, turn_outcomes(turn))


# --- responses --------------------------------------------------------------------------------------------
def responses_turn(*names: str, language: str | None = None) -> Turn:
    during: list[dict[str, Any]] = [user("x")]
    if language:
        during.append(slot("customer_language", language))
    during += [bot("...", utter=name) for name in names]
    return Turn(before=[], during=during)


def test_response_outcomes() -> None:
    assert turn_passes({"outcome": "smalltalk"}, turn_outcomes(responses_turn("utter_greet")))
    assert turn_passes({"outcome": "disclosure"}, turn_outcomes(responses_turn("utter_iamabot")))
    assert turn_passes({"outcome": "out_of_scope"}, turn_outcomes(responses_turn("utter_out_of_scope")))
    assert turn_passes({"outcome": "apology"}, turn_outcomes(responses_turn("utter_complaint_apology")))
    assert not turn_passes({"outcome": "disclosure"}, turn_outcomes(responses_turn("utter_greet")))


def test_language_needs_the_reply_and_a_non_english_language() -> None:
    spanish = responses_turn("utter_unsupported_language", language="es")
    assert turn_passes({"outcome": "language"}, turn_outcomes(spanish))
    english = responses_turn("utter_unsupported_language", language="en")
    assert not turn_passes({"outcome": "language"}, turn_outcomes(english))
    unanswered = responses_turn("utter_default", language="es")
    assert not turn_passes({"outcome": "language"}, turn_outcomes(unanswered))


def test_a_list_of_outcomes_uses_each_kinds_own_keys() -> None:
    expect = {"outcome": ["answer", "script"], "article": "mfa-setup", "script": "login"}
    assert turn_passes(expect, turn_outcomes(kb_answer_turn("mfa-setup", "data/kb/mfa-setup.md")))
    assert not turn_passes(
        expect, turn_outcomes(kb_answer_turn("password-reset", "data/kb/password-reset.md"))
    )
    assert not turn_passes(expect, turn_outcomes(script_turn("wifi_on")))
