"""A fault report NLU was unsure of, answered by its script's overview article, starts the script; a question,
another article, or a first guess that is not a problem keeps the article."""

from __future__ import annotations

from actions.diagnostics.engine import Engine
from actions.diagnostics.reported_problem import asks_something, script_for_report
from tests.actions.diagnostics.stand_ins import kb_hit

UNSURE_VPN = [
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "problem_vpn", "confidence": 0.36},
    {"name": "request_service", "confidence": 0.30},
]
REPORT = "vpn keeps timing out on the train wifi and i need the team sharepoint for a presentation at 2"


def test_an_unsure_fault_report_answered_by_the_overview_article_starts_the_script(engine: Engine) -> None:
    assert script_for_report(REPORT, UNSURE_VPN, kb_hit("vpn-connect", "vpn"), engine.scripts) == "vpn"


def test_a_report_read_first_as_a_request_still_starts_its_script(engine: Engine) -> None:
    # "no sound from the pc in the training lab and i need to play a video to the class in 10 min"
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "request_service", "confidence": 0.39},
        {"name": "problem_sound", "confidence": 0.2},
    ]
    text = "no sound from the pc in the training lab and i need to play a video to the class in 10 min"
    assert script_for_report(text, ranking, kb_hit("no-sound", "sound"), engine.scripts) == "sound"


def test_a_question_keeps_the_article(engine: Engine) -> None:
    question = "how do i get the vpn to connect on the train wifi?"
    assert asks_something(question) and not asks_something(REPORT)
    assert script_for_report(question, UNSURE_VPN, kb_hit("vpn-connect", "vpn"), engine.scripts) is None


def test_another_article_or_another_first_guess_keeps_the_article(engine: Engine) -> None:
    assert script_for_report(REPORT, UNSURE_VPN, kb_hit("mfa-setup", "login"), engine.scripts) is None
    assert script_for_report(REPORT, UNSURE_VPN, kb_hit("backups", None), engine.scripts) is None
    question_first = [UNSURE_VPN[0], {"name": "ask_howto", "confidence": 0.4}, UNSURE_VPN[1]]
    assert script_for_report(REPORT, question_first, kb_hit("vpn-connect", "vpn"), engine.scripts) is None
    barely = [UNSURE_VPN[0], {"name": "problem_vpn", "confidence": 0.1}]
    assert script_for_report(REPORT, barely, kb_hit("vpn-connect", "vpn"), engine.scripts) is None
