"""A plain ask for a person is read as one (it then hands off at any turn); a problem that mentions people,
or a question about what the assistant is, is not."""

from __future__ import annotations

import pytest

from bot.components.person_asks import asks_for_person, asks_whether_person_typing

ASKS = [
    "yes, a real person, now",
    "ok can a human get me the recovery key then, im stuck at that screen",
    "can someone give me a ring instead? 0161 496 0872",
    "look can you just send someone over to look at it",
    "agent please",
    "get me a human",
    "can I speak to someone",
    "put me through to the support team",
    "I\u2019d like to talk with an actual person",
    "can one of your techs remote onto my pc and have a look? my outlook rules stopped working",
    "someone was meant to call me back, can you get me a person now",
    "the fan is grinding. would one of your engineers be able to come and look at it?",
    "can this go to whoever looks after the phones? i'd rather they swapped it",
    "just pass it to the network people please",
    "is there anybody in IT today who could help me set up my second screen?",
]
NOT_ASKS = [
    "I can't talk to anyone on Teams",
    "nobody can call me on my desk phone",
    "my colleague can't hear me when i talk",
    "someone sent me a phishing email",
    "the person next to me has wifi",
    "is this a real person?",
    "before I type all this out, is there a human reading this?",
    "is there anyone who can't hear me on teams?",
    "wait is this chatgpt or an actual IT person??",
    "my agent app crashed",
    # a complaint about a callback that never came: an apology first, then the offer of a person
    "someone was meant to ring me back yesterday about my docking station. sat by the phone all afternoon",
    "r u human",
    "are you a bot or a human",
    "am i talking to a person",
    "send an email to someone",
    "keep it basic please, im a designer not an it person",  # what they are, not whom they want
    "I'm not a computer person, go slow",
    "thanks. what time do the real people on the service desk start tomorrow?",  # the hours, not an ask
    "send it to the printer on floor 2",
]


@pytest.mark.parametrize("text", ASKS)
def test_a_plain_ask_for_a_person_is_read_as_one(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize("text", NOT_ASKS)
def test_a_problem_or_a_question_about_the_bot_is_not_an_ask(text: str) -> None:
    assert not asks_for_person(text)


@pytest.mark.parametrize(
    ("text", "typing"),
    [
        ("is that Priya from the service desk?", True),
        ("hi, am I talking to Sam?", True),
        ("are you Tom", True),
        ("sorry to ask, but am I talking to an AI here or an actual member of staff?", True),
        ("is this a chatbot or a real person", True),
        ("is that normal?", False),
        ("is this Outlook or the app?", False),
        ("is it a hardware fault", False),
        ("is it the printer or the laptop?", False),
    ],
)
def test_asking_whether_a_named_person_is_typing_is_told_it_is_a_bot(text: str, typing: bool) -> None:
    assert asks_whether_person_typing(text) is typing
