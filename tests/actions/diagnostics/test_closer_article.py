from __future__ import annotations

from actions.diagnostics.closer_article import closer_article
from actions.diagnostics.engine import Engine
from knowledge_base import Decision
from tests.actions.diagnostics.stand_ins import kb_hit


def test_a_closer_article_of_the_same_script_comes_first(engine: Engine) -> None:
    sound = engine.script("sound")
    echo = Decision("answer", (kb_hit("meeting-audio", "sound"),), 0.7, 0.2, None)
    assert closer_article(sound, echo) is not None and closer_article(sound, echo).doc_id == "meeting-audio"


def test_the_overview_article_an_unsure_kb_or_another_scripts_article_start_the_checks(
    engine: Engine,
) -> None:
    sound = engine.script("sound")
    assert closer_article(sound, Decision("answer", (kb_hit("no-sound", "sound"),), 0.8, 0.3, None)) is None
    assert (
        closer_article(sound, Decision("clarify", (kb_hit("meeting-audio", "sound"),), 0.45, 0.0, None))
        is None
    )
    assert (
        closer_article(sound, Decision("answer", (kb_hit("disk-full", "slow_computer"),), 0.7, 0.2, None))
        is None
    )
    login = engine.script("login")
    assert (
        closer_article(login, Decision("answer", (kb_hit("sign-in-problems", "login"),), 0.8, 0.2, None))
        is None
    )
    assert closer_article(login, Decision("answer", (kb_hit("account-lockout", "login"),), 0.7, 0.1, None))


def test_an_article_without_a_script_replaces_it_only_when_it_matches_closely(engine: Engine) -> None:
    login = engine.script("login")
    assert closer_article(login, Decision("answer", (kb_hit("phishing-report", None),), 0.68, 0.2, None))
    assert (
        closer_article(login, Decision("answer", (kb_hit("phishing-report", None),), 0.52, 0.2, None)) is None
    )
