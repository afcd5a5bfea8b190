"""What part of a customer's message chooses the article: the parts, and a quoted message's words left out."""

from __future__ import annotations

import pytest

from knowledge_base.focus import message_parts
from knowledge_base.reported_content import without_reported_content


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        (
            "got an email from 'microsoft support' saying my password expires today and to click here, legit?",
            "got an email from 'microsoft support' , legit?",
        ),
        (
            "got a text telling me my account is locked and to call a number, is this genuine",
            "got a text is this genuine",
        ),
        (
            "an email says my vpn access will be removed unless i sign in at this link. scam?",
            "an email . scam?",
        ),
        ("email saying i won a prize, is it safe to click?", "email is it safe to click?"),
    ],
)
def test_a_question_whether_a_message_is_genuine_leaves_out_what_it_said(message: str, asked: str) -> None:
    assert without_reported_content(message) == asked


@pytest.mark.parametrize(
    "message",
    [
        "a popup says my disk is full, what can i delete",  # the content is the problem
        "my email says my mailbox is full, is it safe to delete old mail",  # "safe to delete" is not "is it real"
        "error message saying the certificate is not trusted",  # no question about the message at all
        "outlook keeps asking for my password, is that a real problem",  # no message received
        "",
    ],
)
def test_a_message_whose_content_is_the_problem_is_left_whole(message: str) -> None:
    assert without_reported_content(message) is None


def test_parts_are_the_sentences_and_the_clauses_of_each() -> None:
    parts = message_parts(
        "just flew back from singapore and now every code from the authenticator app gets rejected when i sign "
        "in. phone might still be on singapore time??"
    )
    assert "every code from the authenticator app gets rejected" in parts
    assert "phone might still be on singapore time??" in parts
    assert "i sign in." not in parts  # three words: too short to name a problem on its own


def test_a_dash_separates_clauses_and_a_one_clause_message_has_no_parts() -> None:
    assert message_parts("my laptop will not turn on") == []
    assert message_parts("sorry pressed enter too soon - how long do deleted files stay in the bin?") == [
        "sorry pressed enter too soon",
        "how long do deleted files stay in the bin?",
    ]
