from __future__ import annotations

import pytest

from actions.diagnostics.familiarity import infer_level, without_self_description


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("DNS resolution fails but ping 8.8.8.8 works", "expert"),
        ("outlook shows error 0x800CCC0E when sending", "expert"),
        ("Edge says NET::ERR_CERT_DATE_INVALID on the wiki", "expert"),
        ("I'm an IT admin myself so keep it brief", "expert"),
        ("laptop won't charge - I'm not good with computers", "novice"),
        ("desktop keeps locking up. im comfortable with tech, just give me the checks", "expert"),
        ("no sound at all, i do software dev for a living so skip the hand holding", "expert"),
        ("laptop wont let me in, im not confident with computers", "novice"),
        ("wifi keeps dropping, i'm a total beginner with this stuff", "novice"),
        ("im fine with it", None),
        ("my wifi is broken", None),
        ("the printer shows an error", None),
    ],
)
def test_the_level_is_read_from_the_customers_words_when_clear(text: str, level: str | None) -> None:
    assert infer_level(text) == level


def test_a_stated_preference_for_short_or_detailed_steps_is_the_answer() -> None:
    from actions.diagnostics.familiarity import infer_level

    assert infer_level("I can't sign in to my laptop, short steps please") == "expert"
    assert infer_level("please walk me through it step by step") == "novice"
    assert infer_level("my wifi is down") is None


def test_a_self_description_answers_the_level_question() -> None:
    from actions.diagnostics.familiarity import parse_level_answer

    assert parse_level_answer("im comfortable with tech") == "expert"
    assert parse_level_answer("i'm not confident with computers") == "novice"
    assert parse_level_answer("hmm whatever") is None


@pytest.mark.parametrize(
    ("text", "about"),
    [
        (
            "no new mail in outlook since 10. im useless with computers so please go slow",
            "no new mail in outlook since 10.",
        ),
        ("my printer is jammed, step by step please", "my printer is jammed"),
        ("go slow please", "go slow please"),  # nothing else to look up: the message stays whole
        ("my laptop is slow", "my laptop is slow"),
    ],
)
def test_what_the_customer_says_about_themselves_is_not_looked_up(text: str, about: str) -> None:
    assert without_self_description(text) == about
