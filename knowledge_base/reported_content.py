"""A question about whether a message is genuine is about the message, not about what it says.

"got an email from 'microsoft support' saying my password expires today and to click here, legit?" asks
whether an email is a scam; the password in it is the lure, not the customer's problem, yet it pulls the
whole message to the password-reset article. When a customer reports what an email, text, call or pop-up
said and asks whether it is real, the reported words are left out before the article is chosen.
"""

from __future__ import annotations

import re

_RECEIVED = re.compile(
    r"\b(?:e-?mails?|texts?|sms|messages?|msgs?|calls?|caller|voicemails?|pop-?ups?|links?|letters?"
    r"|notifications?|dms?|whatsapps?)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(
    r"\b(?:saying|says|said|telling|tells|told|asking|asks|asked|claiming|claims|warning|warns|wants)\b",
    re.IGNORECASE,
)
_AUTHENTICITY = re.compile(
    r"\b(?:legit\w*|real|genuine|scam\w*|fake|phish\w*|spam|safe(?= to (?:click|open|reply|call)\b|\W*$)|trust\w*"
    r"|suspicious|dodgy|fraud\w*|authentic)\b",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"[,.;:?!]|\s-\s|\b(?:is (?:this|that|it)|should i|can i|do i)\b", re.IGNORECASE)


def without_reported_content(message: str) -> str | None:
    """The message with the reported words cut out, or None when it does not ask whether a message it
    quotes is genuine (then its content may well be the customer's problem: "a pop-up says my disk is
    full, what can I delete")."""
    received = _RECEIVED.search(message)
    if received is None:
        return None
    reporting = _REPORTING.search(message, received.end())
    if reporting is None:
        return None
    question = None
    for match in _AUTHENTICITY.finditer(message, reporting.end()):
        question = match
    if question is None:
        return None
    starts = [m.start() for m in _CLAUSE_START.finditer(message, reporting.end(), question.start())]
    if not starts:
        return None
    kept = f"{message[: reporting.start()]} {message[starts[-1] :]}"
    return re.sub(r"\s+", " ", kept).strip()
