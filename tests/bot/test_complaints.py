"""A complaint about the service or the wait is read as one (apologise, offer a person) whatever fault it
names; a customer describing themselves, or a fed-up how-to question, is not."""

from __future__ import annotations

import pytest

from bot.components.complaints import complains

COMPLAINTS = [
    "you closed my ticket without asking and the printer STILL jams. ridiculous",
    "this is the fourth time i've reported the same wifi fault, honestly useless",
    "waited two days for a callback, not impressed",
    "this bot is a waste of time",
    "seriously, the new laptop is worse than the old one. this is a joke",
]
NOT_COMPLAINTS = [
    "im useless with computers so please go slow",
    "I'm hopeless with tech, my laptop won't charge",
    "fed up of typing codes every morning, can i use the authenticator app instead?",
    "my battery is rubbish lately, drains in no time",
    "my printer won't print",
    "tell me a joke",
    "",
]


@pytest.mark.parametrize("text", COMPLAINTS)
def test_a_complaint_is_read_whatever_fault_it_names(text: str) -> None:
    assert complains(text)


@pytest.mark.parametrize("text", NOT_COMPLAINTS)
def test_self_descriptions_faults_and_how_to_questions_are_not_complaints(text: str) -> None:
    assert not complains(text)
