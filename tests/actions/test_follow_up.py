from __future__ import annotations

from actions.follow_up import refers_back, with_context


def test_a_short_question_pointing_back_is_read_with_the_question_before() -> None:
    asked = "forgot my password again, how do i reset it?"
    assert with_context("ok got a text with [code] in it, where does that go", asked) == (
        "forgot my password again, how do i reset it. ok got a text with [code] in it, where does that go"
    )


def test_a_short_statement_pointing_back_is_read_with_it_too() -> None:
    assert refers_back("ugh i already clicked it and put my login in")


def test_a_new_question_stands_on_its_own() -> None:
    assert not refers_back("how do I connect to the office printer from home")
    assert not refers_back(
        "my monitor has no signal since I moved desks this morning and I tried a new cable"
    )
    assert with_context("where does that go?", None) == "where does that go?"
