"""A message that ends by taking back the request is a stop (the form then logs nothing); a switch to a new
problem, a question or a request that says what is no longer needed is not."""

from __future__ import annotations

import pytest

from bot.components.withdrawals import withdraws

WITHDRAWALS = [
    "oh hang on, my manager's just said she'll raise it for the whole team herself. forget it",
    "actually scrap that, turns out our team already has a shared licence i can use. ignore me",
    "ah wait, apparently the hot desks on 3 have portable screens you can borrow. never mind!",
    "actually dont worry, my colleague\u2019s letting me use hers for the afternoon. cancel this",
    "nvm",
    "forget it thanks",
    "found a spare one in the cupboard, don't bother 🙂",
    "the train's here so just leave it, thanks",
    "my manager says we can wait till the new budget. park it for now",
    "right, that's me done for today, let's call it a day",
    "someone from facilities is coming to fix it, so no need to carry on",
    "my colleague forwarded me the report, so i don't need the access after all",
    "turns out finance already have a licence we can share. so scratch that, sorry for the bother",
]
NOT_WITHDRAWALS = [
    "never mind that, my printer is jammed now",
    "never mind, how do i reset it?",
    "can you collect my old monitor, i don't need it any more",
    "forget the monitor, outlook isn't receiving anything",
    "I forgot it was on mute",
    "should i leave it plugged in overnight?",
    "leave it with me, i'll check the cable",
    "",
]


@pytest.mark.parametrize("text", WITHDRAWALS)
def test_a_closing_withdrawal_is_read(text: str) -> None:
    assert withdraws(text)


@pytest.mark.parametrize("text", NOT_WITHDRAWALS)
def test_other_messages_are_left_to_the_classifier(text: str) -> None:
    assert not withdraws(text)
