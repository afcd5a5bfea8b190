"""Read an explicit ask for a person, whatever else the message says.

An ask for a person must hand off at every turn (issue 12), but the classifier sees "yes, a real person,
now" or "can a human get me the recovery key" as mostly about something else and may guess an article.
These phrasings leave no doubt, so they win. Kept narrow: a person named as the one to talk to, call,
come over or take over; never "I can't talk to anyone on Teams" (a problem, not an ask). Pure Python, no
Rasa import, so the app runtime can test it too.
"""

from __future__ import annotations

import re

_WHO = r"(a |an |the |some |your |one of your )?(real |actual |live |proper )?(person|human|agent|someone|somebody|technician|tech|engineer|support (person|team|agent)|it (person|guy|team)|(it )?(service|help|support) ?desk|it support)"
_ASKS = [
    rf"\b(talk|speak|chat)(ing)? (to|with) {_WHO}\b",
    r"\b(real|actual|live|proper) (person|human|agent|people)\b",
    r"\ba human\b",
    r"\b(humans?|person|agent|operator)\s*(please|pls|plz|now)?\s*[.!]*$",
    # "would one of your engineers be able to pop over and have a look?"
    rf"\b(can|could|will|would) {_WHO}s? (be able to )?(call|phone|ring|come|pop|look|help|get|sort|fix|take)\b",
    # "can this just go to whoever does the hardware?", "pass it to the hardware people"
    r"\b(go|goes|pass|passed|send|sent|hand|handed|escalate|escalated|forward|give)( (it|this|that))?( just)?"
    r"( on| over| through)? to (whoever|someone|somebody|a person|a human|the (\w+ )?(people|guys|folks|team|"
    r"department|engineers?|technicians?|techs?))\b",
    # "can one of your techs remote onto my pc and have a look?"
    rf"\b(can|could|will|would) {_WHO}s? (remote|dial|log|connect|get) ?(in|into|onto|on to|on)\b",
    rf"\b(want|need|get me|give me|send|put me through to|pass me to|transfer me to|connect me to) {_WHO}\b"
    r"(?!'s| (number|phone|email|e-mail|address|portal|hours|website|site|page|opening))",
    r"\b(give me a (ring|call)|call me back|ring me)\b",
    rf"\bsend {_WHO} (over|round|to)\b",
    rf"\b(have|get) {_WHO} (to )?(call|ring|phone|look|come)\b",
    r"\b(rather|prefer) (someone|somebody|a person|a human) (rang|called|rings|calls|phoned)\b",
    r"^\W*(a |an )?(representative|human being)\W*$",
]
_ASK = re.compile("|".join(f"(?:{pattern})" for pattern in _ASKS), re.IGNORECASE)
# "I can't talk to anyone", "nobody can call me on Teams": a problem to solve, not an ask for a person.
_PROBLEM = re.compile(
    r"\b(can'?t|cannot|can not|unable to|won'?t let me|doesn'?t let me|not able to|no ?one|nobody)\b"
    r"[^.?!]{0,30}\b(talk|speak|chat|call|ring|hear|see)\b",
    re.IGNORECASE,
)


# "someone was meant to ring me back yesterday ... not impressed": a complaint about a callback that never
# came (an apology first, then the offer of a person), not an ask to be rung.
_MISSED_CALLBACK = re.compile(
    r"\b(was|were|is|are) (meant|supposed|due|promised|going|told|said) to (call|ring|phone|get back to|contact)"
    r"( me)?( back)?\b",
    re.IGNORECASE,
)


# "is this a real person?", "am I talking to a human": asks what the assistant is (it says it is a bot).
_WHAT_ARE_YOU = re.compile(
    r"^\W*(are you|are u|r u|ru|u|is this|is that|is it|is a (human|person)|am i (talking|chatting|speaking)"
    r" (to|with))\b"
    r"|\b(is this|is that|is there|are you|r u|am i (talking|chatting|speaking) (to|with)|is it)\b[^.!]*\?",
    re.IGNORECASE,
)


# "im a designer not an it person", "I'm not a computer person": what they are, not whom they want.
_SELF_DESCRIPTION = re.compile(
    r"\b(i'?m|i am|im|not)\s+(really\s+|very\s+|much\s+of\s+)?(an?\s+)?(it|tech|techy|techie|technical|"
    r"computer|computers|numbers|people|details?|morning)\s+person\b",
    re.IGNORECASE,
)


# "what time do the actual people on the help desk finish today?": when people are there, not an ask for one
_WHEN_PEOPLE_ARE_THERE = re.compile(
    r"\b(what time|when|what hours|how late|how early|till when|until when)\b (do|does|are|is|will) (the |your )?"
    r"(\w+ )?(people|humans|staff|agents|team|desk|service desk|help desk)\b",
    re.IGNORECASE,
)


# "is there anyone on the help desk today who could look at my outlook signature with me?": an ask, not a
# question about what the assistant is
_IS_THERE_SOMEONE_WHO_COULD = re.compile(
    r"\bis there (someone|somebody|anyone|anybody|a person|a human|an engineer|a technician|a tech)\b[^.?!]{0,40}"
    r"\b(who|that) (can|could|would|will|is able to)\b",
    re.IGNORECASE,
)


# "is that Gemma from the service desk?", "am I talking to Sam?": the customer thinks a named person is typing
_NAMED_PERSON_TYPING = re.compile(
    r"^\W*(?i:((hi|hey|hello)\W+)?(is (that|this|it)|are (you|u)|am i (talking|chatting|speaking) (to|with))) "
    r"[A-Z][a-z]+( [A-Z][a-z]+)?( from| on| at| here| there|\?|,|$)"
)


# "am I chatting with Siri's cousin here or an actual member of staff?": a bot-or-person question
_BOT_OR_PERSON = re.compile(
    r"\b(am i|are you|is this|is it|is that)\b[^?]{0,60}\bor (an? |some |one of the )?(actual |real |live |human )?"
    r"(member of (the )?staff|person|human|bot|robot|machine|ai|chatbot|agent)\b",
    re.IGNORECASE,
)


def asks_whether_person_typing(text: str) -> bool:
    """True when the customer asks if a (named) person is the one typing, or whether it is a bot or a person:
    the assistant says it is a bot."""
    clean = text.replace("\u2019", "'").strip()
    return bool(_NAMED_PERSON_TYPING.search(clean) or _BOT_OR_PERSON.search(clean))


def asks_for_person(text: str) -> bool:
    """True when the customer plainly asks for a person (to talk to, call them, come over, take over)."""
    lowered = _MISSED_CALLBACK.sub(" ", _SELF_DESCRIPTION.sub(" ", text.replace("\u2019", "'")))
    if _IS_THERE_SOMEONE_WHO_COULD.search(lowered):
        return not _PROBLEM.search(lowered)
    if _WHAT_ARE_YOU.search(lowered) or _WHEN_PEOPLE_ARE_THERE.search(lowered):
        return False
    return bool(_ASK.search(lowered)) and not _PROBLEM.search(lowered)
