"""An article's "If it does not work" condition: what a customer can report having already met."""

from __future__ import annotations

import pytest

from knowledge_base.escalation import escalation_condition


@pytest.mark.parametrize(
    ("section", "condition"),
    [
        (
            "If the test call also fails, try another headset. If that fails too, ask for a person.",
            "If the test call also fails, try another headset. If that fails too",
        ),
        (
            "If your account stays locked after an hour, ask for a person. An agent can unlock it.",
            "If your account stays locked after an hour",
        ),
        (
            "If the website fails in every browser, the site may be down. Ask for a person to check.",
            "If the website fails in every browser, the site may be down.",
        ),
    ],
)
def test_the_condition_is_the_if_sentences_before_the_person(section: str, condition: str) -> None:
    assert escalation_condition(section) == condition


@pytest.mark.parametrize(
    "section",
    [
        "Note the printer's name or number and ask for a person. We may need to check it on site.",
        "Write down the error message and ask for a person.",
        "If it keeps crashing, reinstall it.",  # a condition, but no person at the end of it
        "",
    ],
)
def test_an_instruction_for_everyone_is_no_condition(section: str) -> None:
    assert escalation_condition(section) is None
