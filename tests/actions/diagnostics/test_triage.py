from __future__ import annotations

from actions.diagnostics.engine import Engine
from actions.diagnostics.triage import Problem, clauses, pick


def test_a_message_with_a_cue_splits_into_its_problems() -> None:
    assert clauses("my laptop is really slow and also the sound doesn't work") == [
        "my laptop is really slow",
        "the sound doesn't work",
    ]
    assert clauses("two things: teams crashes when I share my screen, and my mouse keeps dying") == [
        "teams crashes when I share my screen",
        "my mouse keeps dying",
    ]


def test_one_problem_told_in_several_parts_is_not_split() -> None:
    for text in (
        "the wifi on my laptop has stopped working, I'm at home today",
        "ok it's on, paper's in, screen just says Ready",
        "outlook is stuck, my sent mails just sit in the outbox",
    ):
        assert clauses(text) == [text]


PROBLEMS = [
    Problem("app_crash", "App keeps crashing", "teams crashes every time I share my screen"),
    Problem("article:keyboard-mouse", "Keyboard or mouse not working", "my wireless mouse keeps dying"),
]


def test_the_customer_picks_a_problem_by_its_words_or_title() -> None:
    assert pick(PROBLEMS, "the teams one", None) == PROBLEMS[0]
    assert pick(PROBLEMS, "Keyboard or mouse not working", None) == PROBLEMS[1]
    assert pick(PROBLEMS, "start with the mouse", None) == PROBLEMS[1]
    assert pick(PROBLEMS, "whichever", None) is None
    # the one put off is not the choice
    assert pick(PROBLEMS, "the mouse first, the teams thing can wait", None) == PROBLEMS[1]
    assert pick(PROBLEMS, "teams now, and the mouse later", None) == PROBLEMS[0]


def test_the_form_asks_which_problem_and_starts_the_chosen_script(engine: Engine) -> None:
    from actions.problems import choice_state

    state = choice_state(PROBLEMS, None, 1)
    prompt = engine.prompt(state)
    assert "2 problems" in prompt.text and prompt.buttons == (
        "App keeps crashing",
        "Keyboard or mouse not working",
    )
    step = engine.answer(state, "the teams one")
    assert (step.state.script_id, step.reply.value) == ("app_crash", "app_crash")
    article = engine.answer(state, "the mouse please")
    assert (article.state.status, article.state.reason) == ("stopped", "article:keyboard-mouse")
    assert engine.answer(state, "hmm").state.options == state.options  # unclear: asked again


def test_two_problems_joined_by_and_alone_are_still_two(engine: Engine) -> None:
    from actions.diagnostics.router import minilm_embedder
    from actions.diagnostics.triage import Triage

    triage = Triage(engine.scripts, minilm_embedder(), lambda clause: None)
    found = triage.problems("the printer on 4 won't print and outlook hasn't had any new mail since 10")
    assert [p.topic for p in found] == ["printer", "email"]
    # one story told with "and then", and one problem in two clauses, stay one
    assert triage.problems("vpn connects and then outlook says disconnected") == []
    assert triage.problems("my laptop won't turn on and the charging light is orange") == []
