"""An ask to get something new is a request (when the classifier leans that way but is unsure); a fault, or a
question about why a request needs approval, is not."""

from __future__ import annotations

import pytest

from bot.components.request_asks import asks_for_something_new

ASKS = [
    "could i get a visio licence? i draw the floor plans now",
    "i start covering payroll next month, how do I get access to the payroll system?",
    "my physio said to ask for a standing desk converter, how do i go about getting one?",
    "I'd like a second headset for the office",
    "can you set him up with a laptop and an email account for monday",
]
NOT_ASKS = [
    "my laptop won't charge",
    "I can't access the finance share any more, it says access denied",
    "asked for a diagram tool on the portal. why does my manager need to approve it?",
    "how do i get the printer to stop jamming",  # a fault in a how-to question
    "outlook keeps crashing when i open it",
    "",
]


@pytest.mark.parametrize("text", ASKS)
def test_an_ask_to_get_something_new_is_a_request(text: str) -> None:
    assert asks_for_something_new(text)


@pytest.mark.parametrize("text", NOT_ASKS)
def test_faults_and_why_questions_are_not_requests(text: str) -> None:
    assert not asks_for_something_new(text)
